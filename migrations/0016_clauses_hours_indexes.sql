-- Fewer and cheaper indexes on insertion_hours (issue 4 benchmark: a
-- 100,000-line statement imported in < 5 s). Each imported row lands at a
-- random place of every index keyed by contract, situation or minutes; on
-- 500,000 entries the six-column grouping index alone cost 3 s of the 4.5 s
-- spent writing 100,000 rows on SQLite.
-- The rule-set recompute no longer updates group by group through that index:
-- it joins the entries to the table of new decisions in one pass (store.cpp).
DROP INDEX insertion_hours_month;
-- Only pending entries are looked up by review status (the review queue and
-- its count): a partial index holds those few rows and nothing else.
DROP INDEX insertion_hours_review;
CREATE INDEX insertion_hours_pending ON insertion_hours(contract_id, id) WHERE review_status = 'pending';
