-- Which Herald instance made each attempt (several share one broker and one store).
alter table attempts add column instance_id varchar(100);
