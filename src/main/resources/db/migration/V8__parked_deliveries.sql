-- Subscriptions whose deliveries are parked (waiting on an open circuit in herald.parked.<id>), shared
-- by every instance: marked_at is refreshed while deliveries are being parked, so the unparker knows
-- which parked queues to look at without asking the broker for every subscription.
create table subscription_parking (
    subscription_id  varchar(100)  primary key,
    marked_at        bigint        not null
);
