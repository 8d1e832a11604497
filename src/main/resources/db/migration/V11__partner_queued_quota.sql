-- A partner's quota on its deliveries waiting (queued, retrying, deferred) across its
-- subscriptions: beyond it, dispatch refuses the partner's new deliveries as dead letters.
alter table partners add column max_queued int default 100000 not null;
