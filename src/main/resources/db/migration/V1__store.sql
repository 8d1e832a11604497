-- Herald's store: what people query. The brokers hold what is in flight.
-- Portable between PostgreSQL and H2 (PostgreSQL mode).

create table events (
    id            varchar(256)  primary key,
    type          varchar(128)  not null,
    source        varchar(1024) not null,
    subject       varchar(1024),
    event_time    varchar(64),
    received_at   timestamp     not null,
    payload       text          not null
);
create index events_by_type on events (type, received_at);

-- De-duplication by event id: 'pending' while a dispatcher holds the claim, 'done' once the
-- fan-out is committed (the store writer marks it from the dispatch record).
create table event_claims (
    id          varchar(256) primary key,
    state       varchar(16)  not null,
    claimed_at  bigint       not null
);

create table deliveries (
    id               varchar(64)   primary key,
    event_id         varchar(256)  not null,
    subscription_id  varchar(100)  not null,
    status           varchar(16)   not null,
    attempts         int           not null,
    last_status_code int,
    last_error       varchar(2000),
    next_attempt_at  timestamp,
    created_at       timestamp     not null,
    updated_at       timestamp     not null
);
create index deliveries_by_event on deliveries (event_id);
create index deliveries_by_subscription on deliveries (subscription_id, created_at);

create table attempts (
    id               varchar(64)   primary key,
    delivery_id      varchar(64)   not null,
    attempt          int           not null,
    started_at       timestamp     not null,
    latency_ms       int           not null,
    status_code      int,
    response_excerpt varchar(4096),
    error            varchar(2000),
    outcome          varchar(16)   not null,
    next_attempt_at  timestamp
);
create index attempts_by_delivery on attempts (delivery_id, attempt);

create table dead_letters (
    delivery_id      varchar(64)   primary key,
    event_id         varchar(256)  not null,
    subscription_id  varchar(100)  not null,
    reason           varchar(2000) not null,
    dead_at          timestamp     not null,
    delivery         text          not null
);
create index dead_letters_by_subscription on dead_letters (subscription_id, dead_at);

create table subscription_state (
    subscription_id  varchar(100)  primary key,
    enabled          boolean       not null,
    reason           varchar(2000),
    changed_at       timestamp     not null
);
