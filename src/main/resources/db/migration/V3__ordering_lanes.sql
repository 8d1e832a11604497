-- Per-key ordering (subscriptions with `ordered: true`). A lane is one subscription and one
-- ordering key; its row is the lock that serialises "may I go?" against "I am done".
create table ordering_lanes (
    subscription_id  varchar(100)  not null,
    ordering_key     varchar(256)  not null,
    primary key (subscription_id, ordering_key)
);

-- The lane's unfinished deliveries in dispatch order. The lowest seq is the head: only it is
-- attempted. A later one that arrives first is parked here (its message body) until the head
-- finishes and wakes it.
create table lane_deliveries (
    delivery_id      varchar(64)   primary key,
    subscription_id  varchar(100)  not null,
    ordering_key     varchar(256)  not null,
    seq              bigint        not null,
    parked           text,
    parked_at        bigint
);
create index lane_deliveries_by_lane on lane_deliveries (subscription_id, ordering_key, seq);
