-- Up Migration

-- Transactional outbox: an event is written in the same transaction as the change it announces,
-- then published to RabbitMQ (with publisher confirms) and deleted. A crash between the commit
-- and the publish loses nothing: the relay publishes what is left on its next pass.
CREATE TABLE outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  routing_key text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE outbox;
