-- One contract's progress page (issue 4, benchmark: ≥ 0.1× nginx at 5,000,000
-- entries) sums its entries three ways (counted hours, totals by review and
-- decision with distinct people and hires, totals by month): with what those
-- sums read in the index, none of them reads the table (a page seek per entry,
-- scattered over the file, was most of the page's time). The index keeps its
-- leading columns, so the hours list of the page pages on it as before.
DROP INDEX insertion_hours_contract;
CREATE INDEX insertion_hours_contract ON insertion_hours(contract_id, month, id, counted, review_status, decision,
  modality, minutes, person_key);
