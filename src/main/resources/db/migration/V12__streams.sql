-- Stream subscriptions: deliveries kept in order for their consumers to take (WebSocket, SSE,
-- polling) instead of being sent. Each subscription's events are numbered by its head row, which
-- an append locks until it commits: so commit order is number order, and a reader that has seen
-- number N never later finds a smaller one appear.
create table stream_heads (
    subscription_id  varchar(100)  primary key,
    last_seq         bigint        not null,
    -- Everything up to this number has expired (retention): a cursor before it has missed events.
    trimmed_through  bigint        not null
);

create table stream_events (
    subscription_id  varchar(100)  not null,
    seq              bigint        not null,
    delivery_id      varchar(64)   not null,
    event_id         varchar(256)  not null,
    payload          text          not null,
    appended_at      timestamp     not null,
    -- Hand-overs so far (each an attempt in the log), and the first acknowledgement.
    handed           int           not null,
    acked_at         timestamp,
    acked_by         varchar(64),
    -- Consumer groups: who holds the event and until when (epoch ms); taken again after that.
    lease_owner      varchar(64),
    lease_until      bigint,
    primary key (subscription_id, seq)
);
create unique index stream_events_by_delivery on stream_events (subscription_id, delivery_id);
create index stream_events_by_age on stream_events (appended_at);

-- Each consumer's committed position (broadcast: everything up to it is acknowledged; group: the
-- last event it acknowledged), and when and how it was last seen.
create table stream_cursors (
    subscription_id  varchar(100)  not null,
    consumer         varchar(64)   not null,
    position         bigint        not null,
    transport        varchar(16),
    seen_at          timestamp     not null,
    primary key (subscription_id, consumer)
);

-- A hand-over's consumer, and when it was acknowledged.
alter table attempts add column consumer varchar(64);
alter table attempts add column acked_at timestamp;
