-- Subscriptions partners make over the partner API. `spec` is the subscription as the partner gave
-- it (types, filter, url, rate limit, retry; checked JSON). The signing secrets are sealed
-- (AES-256-GCM) with the instances' shared key, named by `secret_key_id`; a rotation keeps the
-- previous secret signing until `previous_until`. Deleting a partner deletes its subscriptions.
create table partner_subscriptions (
    id               varchar(100)  primary key,
    partner_id       varchar(64)   not null references partners (id) on delete cascade,
    spec             text          not null,
    secret_key_id    varchar(16)   not null,
    secret           varchar(200)  not null,
    previous_secret  varchar(200),
    previous_until   timestamp,
    created_at       timestamp     not null,
    updated_at       timestamp     not null
);
create index partner_subscriptions_by_partner on partner_subscriptions (partner_id, id);

-- One number every change to a partner's subscription (or to a partner) moves, in the same
-- transaction: each instance polls it and reloads the partners' subscriptions when it moved.
create table subscription_revision (
    id        int     primary key,
    revision  bigint  not null
);
insert into subscription_revision (id, revision) values (1, 0);
