-- Social clauses (seed 003, issue 4): public buyers and their yearly purchase
-- programme, public contracts with their status history, the insertion hours
-- worked on them, and the versioned rule sets that validate those hours.
-- Every row is followed by a facilitating organisation (`organisation_id`: a
-- maison de l'emploi, a PLIE, a facilitator): the caller's scope is its subtree.
-- Money in cents, hours in minutes, shares in basis points (1 % = 100).

CREATE TABLE public_buyers (
  id {{pk}},
  organisation_id {{int}} NOT NULL REFERENCES organisations(id),        -- facilitating organisation (scope)
  buyer_organisation_id {{int}} NOT NULL REFERENCES organisations(id),  -- the buyer (city, social landlord…)
  contact_name TEXT NOT NULL DEFAULT '',
  contact_email TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (organisation_id, buyer_organisation_id)
);
CREATE INDEX public_buyers_buyer ON public_buyers(buyer_organisation_id);

-- The buyer's yearly programme of purchases to carry clauses: planned
-- contracts and the meetings that prepare them (seed 003: "programmations
-- d'achats socialement responsables 2020/2021").
CREATE TABLE purchase_programme_items (
  id {{pk}},
  buyer_id {{int}} NOT NULL REFERENCES public_buyers(id),
  year INTEGER NOT NULL,
  kind TEXT NOT NULL,                       -- planned_contract, meeting
  title TEXT NOT NULL,
  sector TEXT NOT NULL DEFAULT '',
  clause_type TEXT NOT NULL DEFAULT '',
  planned_on TEXT,                          -- ISO date: expected notification, or the meeting's day
  estimated_amount_cents {{int}},
  status TEXT NOT NULL DEFAULT 'planned',   -- planned, done, dropped
  contract_id {{int}},                      -- the contract once notified (public_contracts.id)
  notes TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE INDEX purchase_programme_items_buyer ON purchase_programme_items(buyer_id, year, planned_on);

CREATE TABLE public_contracts (
  id {{pk}},
  organisation_id {{int}} NOT NULL REFERENCES organisations(id),        -- facilitating organisation (scope)
  buyer_id {{int}} NOT NULL REFERENCES public_buyers(id),
  reference TEXT NOT NULL,                  -- the buyer's reference: "2020-DPE-0142"
  sort_reference TEXT NOT NULL,             -- folded reference: sort and keyset key
  search_text TEXT NOT NULL,                -- folded reference, title, lots, holder, buyer
  title TEXT NOT NULL,
  lots TEXT NOT NULL DEFAULT '',            -- "Lot 1 — Gros œuvre; Lot 2 — Électricité"
  sector TEXT NOT NULL,
  holder_organisation_id {{int}} NOT NULL REFERENCES organisations(id),
  amount_cents {{int}} NOT NULL,
  notified_on TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,                   -- current end (an amendment may extend it)
  clause_type TEXT NOT NULL,                -- execution_condition, award_criterion, reserved
  required_minutes {{int}} NOT NULL,
  hours_mode TEXT NOT NULL,                 -- entered, computed
  -- Inputs of the computation, kept when hours_mode = 'computed'.
  labour_share_bp INTEGER,
  insertion_rate_bp INTEGER,
  hourly_cost_cents {{int}},
  status TEXT NOT NULL,                     -- active, suspended, stopped, amended_extended, completed, cancelled
  status_since TEXT NOT NULL,               -- ISO date of the last status change
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (buyer_id, sort_reference)        -- "2020-dpe-0142" is "2020-DPE-0142"
);
CREATE INDEX public_contracts_org ON public_contracts(organisation_id, sort_reference, id);
CREATE INDEX public_contracts_sort ON public_contracts(sort_reference, id);
CREATE INDEX public_contracts_status ON public_contracts(status, sort_reference, id);
CREATE INDEX public_contracts_sector ON public_contracts(sector, sort_reference, id);
CREATE INDEX public_contracts_buyer ON public_contracts(buyer_id, sort_reference, id);
CREATE INDEX public_contracts_holder ON public_contracts(holder_organisation_id, sort_reference, id);

-- Search of contracts by words of their search_text (as participant_words, 0010):
-- an index range per word of the query instead of a LIKE scan.
CREATE TABLE contract_words (
  word TEXT NOT NULL,
  contract_id {{int}} NOT NULL REFERENCES public_contracts(id) ON DELETE CASCADE,
  PRIMARY KEY (word, contract_id)
);
CREATE INDEX contract_words_owner ON contract_words(contract_id, word);

-- Co-contractors and subcontractors (often SIAE) of a contract.
CREATE TABLE contract_parties (
  contract_id {{int}} NOT NULL REFERENCES public_contracts(id),
  organisation_id {{int}} NOT NULL REFERENCES organisations(id),
  role TEXT NOT NULL,                       -- co_contractor, subcontractor
  PRIMARY KEY (contract_id, organisation_id, role)
);
CREATE INDEX contract_parties_organisation ON contract_parties(organisation_id, contract_id);

-- Every status change is a row: when it takes effect, why, under which text
-- (seed 003: "ordonnance n° 2020-319 du 25 mars 2020"), who recorded it.
CREATE TABLE contract_status_events (
  id {{pk}},
  contract_id {{int}} NOT NULL REFERENCES public_contracts(id),
  effective_on TEXT NOT NULL,               -- ISO date
  from_status TEXT NOT NULL DEFAULT '',     -- '' for the first row
  to_status TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  legal_reference TEXT NOT NULL DEFAULT '',
  new_end_date TEXT,                        -- an amendment that extends the contract
  user_id {{int}} REFERENCES users(id),
  at TEXT NOT NULL                          -- UTC instant of the record
);
CREATE INDEX contract_status_events_contract ON contract_status_events(contract_id, effective_on, id);

-- Rule sets, one row per version: a new version of a code retires the
-- previous one (retired_at), which stays to explain the entries it decided.
CREATE TABLE rule_sets (
  id {{pk}},
  code TEXT NOT NULL,                       -- "default", "covid_2020"
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  legal_reference TEXT NOT NULL DEFAULT '',
  effective_from TEXT,                      -- ISO dates; NULL: no limit on that side
  effective_to TEXT,
  priority INTEGER NOT NULL DEFAULT 0,      -- among sets in effect in a month, the highest decides
  created_at TEXT NOT NULL,
  created_by {{int}} REFERENCES users(id),
  retired_at TEXT,
  UNIQUE (code, version)
);

-- First matching rule (by position) decides; '' matches any value.
CREATE TABLE rule_set_rules (
  id {{pk}},
  rule_set_id {{int}} NOT NULL REFERENCES rule_sets(id),
  position INTEGER NOT NULL,
  situation TEXT NOT NULL DEFAULT '',
  eligibility TEXT NOT NULL DEFAULT '',
  decision TEXT NOT NULL,                   -- validated, facilitator_decides, not_validated
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX rule_set_rules_set ON rule_set_rules(rule_set_id, position);

-- Hours of one person on one contract in one month.
CREATE TABLE insertion_hours (
  id {{pk}},
  contract_id {{int}} NOT NULL REFERENCES public_contracts(id),
  participant_id {{int}} REFERENCES participants(id),   -- when the person is followed
  person_name TEXT NOT NULL,                -- as typed or imported ("NOM Prénom")
  person_key TEXT NOT NULL,                 -- folded name (or "p:ID"): counts distinct people
  month TEXT NOT NULL,                      -- "YYYY-MM"
  employer_organisation_id {{int}} REFERENCES organisations(id),
  employer_name TEXT NOT NULL DEFAULT '',
  modality TEXT NOT NULL,                   -- direct_hire, apprenticeship, temporary_etti, provision_ai_geiq, subcontracting_ei_aci, training
  minutes {{int}} NOT NULL,
  situation TEXT NOT NULL,                  -- worked, telework, childcare_leave, sick_leave, partial_unemployment, training, paid_leave
  eligibility TEXT NOT NULL,                -- long_term_jobseeker, rsa, young_unqualified, rqth, ass_aah, siae_employee, senior_50, partner_opinion
  -- What the rules decided, and which rule of which version.
  decision TEXT NOT NULL,                   -- validated, facilitator_decides, not_validated
  rule_set_id {{int}} REFERENCES rule_sets(id),
  rule_set_version INTEGER,
  rule_id {{int}} REFERENCES rule_set_rules(id),
  -- "Facilitator decides" entries wait for a review.
  review_status TEXT NOT NULL DEFAULT '',   -- '', pending, accepted, refused
  review_reason TEXT NOT NULL DEFAULT '',
  reviewed_by {{int}} REFERENCES users(id),
  reviewed_at TEXT,
  counted INTEGER NOT NULL DEFAULT 0,       -- 1 when the minutes count towards the contract
  source TEXT NOT NULL DEFAULT 'form',      -- form, import, demo
  import_id {{int}},
  created_by {{int}} REFERENCES users(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX insertion_hours_contract ON insertion_hours(contract_id, month, id);
CREATE INDEX insertion_hours_review ON insertion_hours(review_status, contract_id, id);
-- A rule-set change groups the entries by what decides them and updates them
-- group by group: this index covers both (no table read for the grouping).
CREATE INDEX insertion_hours_month ON insertion_hours(month, situation, eligibility, decision, rule_id, minutes);
CREATE INDEX insertion_hours_rule_set ON insertion_hours(rule_set_id, month);

-- The facilitator's reviews of "facilitator decides" entries, kept as history:
-- an entry reviewed twice (a rule-set change, a second opinion) has two rows.
CREATE TABLE insertion_hours_reviews (
  id {{pk}},
  entry_id {{int}} NOT NULL REFERENCES insertion_hours(id),
  outcome TEXT NOT NULL,                    -- accepted, refused
  reason TEXT NOT NULL,
  user_id {{int}} REFERENCES users(id),
  at TEXT NOT NULL
);
CREATE INDEX insertion_hours_reviews_entry ON insertion_hours_reviews(entry_id, id);
