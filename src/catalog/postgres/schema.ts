/**
 * The history tables of the common migration tools: the row a tool writes once it has applied a
 * migration is how parity recognises that the schema is there. Searched in this order.
 */
export const MIGRATION_TABLES = [
  "pgmigrations", // node-pg-migrate
  "schema_migrations", // golang-migrate, Rails, dbmate, sqlx (_sqlx_migrations below)
  "flyway_schema_history", // Flyway
  "databasechangelog", // Liquibase
  "_prisma_migrations", // Prisma
  "knex_migrations", // Knex
  "alembic_version", // Alembic
  "django_migrations", // Django
  "goose_db_version", // goose
  "_sqlx_migrations", // sqlx
  "drizzle.__drizzle_migrations", // Drizzle
  "kysely_migration", // Kysely
  "typeorm_migrations", // TypeORM (its default name is "migrations", too generic to guess)
] as const;

/** The query that answers 1 once `table` holds an applied migration (an error while it does not exist). */
export function schemaQuery(table: string): string {
  return `select 1 from ${table} limit 1`;
}

/**
 * The shell function body of an initContainer in the postgres image: 0 once the database accepts
 * the credentials ($PGPASSWORD) and one of `tables` holds an applied migration.
 */
export function schemaWaitScript(
  host: string,
  port: number,
  user: string,
  database: string,
  tables: readonly string[],
): string {
  const psql = `psql -h ${host} -p ${port} -U ${user} -d ${database} -XtAc`;
  const shown = tables.length > 3 ? `${tables.slice(0, 3).join(", ")}, …` : tables.join(", ");
  return [
    `schema() { for t in ${tables.join(" ")}; do`,
    `[ "$(${psql} "select 1 from $t limit 1" 2>/dev/null)" = 1 ] && return 0; done; return 1; };`,
    `until schema; do echo "waiting for the schema in ${host} (migrations in ${shown})"; sleep 2; done`,
  ].join(" ");
}
