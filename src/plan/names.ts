/** `my-db` → `MY_DB`: a resource name as part of an environment variable name. */
export function envPrefix(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/** The key of a service's password in `.parity/secrets.env` and in every container's env. */
export function passwordEnv(service: string): string {
  return `${envPrefix(service)}_PASSWORD`;
}

export function secretName(service: string): string {
  return `${service}-credentials`;
}
