-- Circuit breaking per subscription, shared by every instance: consecutive failed attempts, when
-- the current run of failures began, and - while the circuit is open - when the next probe may go.
create table subscription_health (
    subscription_id      varchar(100)  primary key,
    consecutive_failures int           not null,
    failing_since        bigint,
    open_until           bigint
);

-- Rate limits, shared by every instance: the next free send slot of each rate-limited subscription.
create table subscription_rate (
    subscription_id  varchar(100)  primary key,
    next_slot        bigint        not null
);
