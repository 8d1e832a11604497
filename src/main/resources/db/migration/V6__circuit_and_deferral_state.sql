-- What an operator sees of a circuit and of deliveries that wait on one: when the circuit opened
-- (failing_since is when the run of failures began, earlier), and why a delivery is deferred
-- (circuit, rate, concurrency) while its status is 'deferred'.
alter table subscription_health add column opened_at bigint;
alter table deliveries add column deferred_reason varchar(16);
-- Per-subscription counts of unfinished deliveries (pending, retrying, deferred) for the admin API.
create index deliveries_by_status on deliveries (status, subscription_id);
