-- When each rate-limited subscription last sent, shared by every instance: a delivery that comes to
-- its slot late must not go closer than the spacing to the one before it, or a late one and an
-- on-time one would bunch (seen: 26 deliveries in the first second of a 20/s limit).
alter table subscription_rate add column last_sent bigint default 0 not null;
