-- Idempotency-Key on POST /events: the first answer for (API key, Idempotency-Key) is kept for the
-- retention window and given again to a repeated request. status is null while the first request
-- is still being served.
create table idempotency_keys (
    scope_key     varchar(400)  primary key,
    request_hash  varchar(64)   not null,
    status        int,
    response      text,
    created_at    bigint        not null
);
create index idempotency_keys_by_age on idempotency_keys (created_at);

-- A replayed dead letter stays listed (with when it was replayed) until it is dead again or delivered.
alter table dead_letters add column replayed_at timestamp;
