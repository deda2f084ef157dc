-- Employment (issue 4, seed 003 "Accompagnement Clauses"): the ROME reference
-- list, job offers with their status history, the CV library (profiles, target
-- trades, CV files, search words) and positionings with their state history.
-- A job offer may name a public contract of the clauses module (contract_id):
-- a plain nullable number, without a foreign key, so that the two modules can
-- be migrated and changed apart.

-- ROME v3 codes (répertoire opérationnel des métiers et des emplois, France
-- Travail). PARTIAL LIST: only the trades of the clauses field (building,
-- cleaning, catering, logistics, green spaces, personal services, security,
-- water networks, office work…), written by hand without access to the full
-- reference; load the complete list from France Travail's open data to widen it.
CREATE TABLE rome_codes (
  code TEXT PRIMARY KEY,
  label TEXT NOT NULL
);
INSERT INTO rome_codes (code, label) VALUES
  ('A1202', 'Entretien des espaces naturels'),
  ('A1203', 'Aménagement et entretien des espaces verts'),
  ('D1106', 'Vente en alimentation'),
  ('D1505', 'Personnel de caisse'),
  ('D1507', 'Mise en rayon libre-service'),
  ('F1501', 'Montage de structures et de charpentes bois'),
  ('F1602', 'Électricité bâtiment'),
  ('F1603', 'Installation d''équipements sanitaires et thermiques'),
  ('F1604', 'Montage d''agencements'),
  ('F1606', 'Peinture en bâtiment'),
  ('F1607', 'Pose de fermetures menuisées'),
  ('F1608', 'Pose de revêtements rigides'),
  ('F1610', 'Pose et restauration de couvertures'),
  ('F1611', 'Réalisation et restauration de façades'),
  ('F1613', 'Travaux d''étanchéité et d''isolation'),
  ('F1701', 'Construction en béton'),
  ('F1702', 'Construction de routes et voies'),
  ('F1703', 'Maçonnerie'),
  ('F1704', 'Préparation du gros œuvre et des travaux publics'),
  ('F1705', 'Pose de canalisations'),
  ('G1501', 'Personnel d''étage'),
  ('G1602', 'Personnel de cuisine'),
  ('G1603', 'Personnel polyvalent en restauration'),
  ('G1605', 'Plonge en restauration'),
  ('G1803', 'Service en restauration'),
  ('I1203', 'Maintenance des bâtiments et des locaux'),
  ('J1301', 'Personnel polyvalent des services hospitaliers'),
  ('K1302', 'Assistance auprès d''adultes'),
  ('K1303', 'Assistance auprès d''enfants'),
  ('K1304', 'Services domestiques'),
  ('K1305', 'Intervention sociale et familiale'),
  ('K2204', 'Nettoyage de locaux'),
  ('K2301', 'Distribution et assainissement d''eau'),
  ('K2303', 'Nettoyage des espaces urbains'),
  ('K2304', 'Revalorisation de produits industriels'),
  ('K2503', 'Sécurité et surveillance privées'),
  ('M1602', 'Opérations administratives'),
  ('M1607', 'Secrétariat'),
  ('N1101', 'Conduite d''engins de déplacement des charges'),
  ('N1103', 'Magasinage et préparation de commandes'),
  ('N1105', 'Manutention manuelle de charges'),
  ('N4101', 'Conduite de transport de marchandises sur longue distance'),
  ('N4105', 'Conduite et livraison par tournées sur courte distance');

-- A job offer belongs to the organisation that processes it (the facilitator's
-- structure: its scope) and names its employer (an organisation of kind employer).
CREATE TABLE job_offers (
  id {{pk}},
  organisation_id {{int}} NOT NULL REFERENCES organisations(id),
  employer_id {{int}} NOT NULL REFERENCES organisations(id),
  title TEXT NOT NULL,
  rome_code TEXT NOT NULL REFERENCES rome_codes(code),
  contract_type TEXT NOT NULL,
  weekly_minutes INTEGER NOT NULL,
  positions INTEGER NOT NULL,
  place TEXT NOT NULL DEFAULT '',
  department TEXT NOT NULL DEFAULT '',
  start_date TEXT NOT NULL,
  end_date TEXT,
  contract_id {{int}},
  status TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  search_text TEXT NOT NULL DEFAULT '',
  created_by {{int}} REFERENCES users(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX job_offers_organisation ON job_offers(organisation_id, id);
CREATE INDEX job_offers_status ON job_offers(status, id);
CREATE INDEX job_offers_employer ON job_offers(employer_id, id);

CREATE TABLE job_offer_events (
  id {{pk}},
  offer_id {{int}} NOT NULL REFERENCES job_offers(id) ON DELETE CASCADE,
  at TEXT NOT NULL,
  user_id {{int}} REFERENCES users(id),
  status TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_offer_events_offer ON job_offer_events(offer_id, id);

-- The CV library of an organisation: a participant of the follow-up module, or
-- a person recommended by a partner (recommended_by_id, recommended_by_user_id).
CREATE TABLE cv_profiles (
  id {{pk}},
  organisation_id {{int}} NOT NULL REFERENCES organisations(id),
  participant_id {{int}} REFERENCES participants(id),
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  postcode TEXT NOT NULL DEFAULT '',
  commune TEXT NOT NULL DEFAULT '',
  department TEXT NOT NULL DEFAULT '',
  skills TEXT NOT NULL DEFAULT '',
  qualifications TEXT NOT NULL DEFAULT '',
  languages TEXT NOT NULL DEFAULT '',
  driving_licence INTEGER NOT NULL DEFAULT 0,
  vehicle INTEGER NOT NULL DEFAULT 0,
  radius_km INTEGER,
  available_from TEXT,
  consent INTEGER NOT NULL DEFAULT 0,
  consent_date TEXT,
  recommended_by_id {{int}} REFERENCES organisations(id),
  recommended_by_user_id {{int}} REFERENCES users(id),
  recommended_contact TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  search_text TEXT NOT NULL DEFAULT '',
  trade_text TEXT NOT NULL DEFAULT '',
  created_by {{int}} REFERENCES users(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX cv_profiles_organisation ON cv_profiles(organisation_id, id);
CREATE INDEX cv_profiles_department ON cv_profiles(department, id);
CREATE INDEX cv_profiles_recommender ON cv_profiles(recommended_by_user_id, id);
CREATE INDEX cv_profiles_participant ON cv_profiles(participant_id);

CREATE TABLE cv_profile_trades (
  profile_id {{int}} NOT NULL REFERENCES cv_profiles(id) ON DELETE CASCADE,
  rome_code TEXT NOT NULL REFERENCES rome_codes(code),
  PRIMARY KEY (profile_id, rome_code)
);
CREATE INDEX cv_profile_trades_code ON cv_profile_trades(rome_code, profile_id);

-- Search: every folded word of the profile (match), and those of its trades (rank).
CREATE TABLE cv_profile_words (
  word TEXT NOT NULL,
  profile_id {{int}} NOT NULL REFERENCES cv_profiles(id) ON DELETE CASCADE,
  PRIMARY KEY (word, profile_id)
);
CREATE INDEX cv_profile_words_owner ON cv_profile_words(profile_id, word);
CREATE TABLE cv_profile_trade_words (
  word TEXT NOT NULL,
  profile_id {{int}} NOT NULL REFERENCES cv_profiles(id) ON DELETE CASCADE,
  PRIMARY KEY (profile_id, word)
);

-- The CV file, kept in the database (ARCHITECTURE.md "Data rules").
CREATE TABLE cv_files (
  profile_id {{int}} PRIMARY KEY REFERENCES cv_profiles(id) ON DELETE CASCADE,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  data {{blob}} NOT NULL,
  uploaded_by {{int}} REFERENCES users(id),
  uploaded_at TEXT NOT NULL
);

-- A positioning: a profile on an offer, or pushed to an employer without an
-- offer (offer_id NULL). organisation_id is the facilitator's structure (the
-- offer's or the profile's); created_by is who made it (a partner sees only theirs).
CREATE TABLE positionings (
  id {{pk}},
  organisation_id {{int}} NOT NULL REFERENCES organisations(id),
  profile_id {{int}} NOT NULL REFERENCES cv_profiles(id),
  offer_id {{int}} REFERENCES job_offers(id),
  employer_id {{int}} NOT NULL REFERENCES organisations(id),
  partner_kind TEXT NOT NULL,
  partner_organisation_id {{int}} REFERENCES organisations(id),
  state TEXT NOT NULL,
  hire_contract_type TEXT,
  hire_start_date TEXT,
  hire_weekly_minutes INTEGER,
  preparation_call_at TEXT,
  preparation_call_note TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  created_by {{int}} NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX positionings_organisation ON positionings(organisation_id, id);
CREATE INDEX positionings_creator ON positionings(created_by, id);
CREATE INDEX positionings_offer ON positionings(offer_id, id);
CREATE INDEX positionings_profile ON positionings(profile_id, id);

CREATE TABLE positioning_events (
  id {{pk}},
  positioning_id {{int}} NOT NULL REFERENCES positionings(id) ON DELETE CASCADE,
  at TEXT NOT NULL,
  user_id {{int}} REFERENCES users(id),
  transition TEXT NOT NULL,         -- "create", a transition of kPositioningTransitions, or "preparation_call"
  from_state TEXT,
  to_state TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX positioning_events_positioning ON positioning_events(positioning_id, id);
