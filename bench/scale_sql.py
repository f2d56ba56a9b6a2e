"""The SQL of bench/scale_probe.py: the fill (generate_series) and the prototypes that
answer insights.reason_counts faster, with what keeps them current on push.

- reason_facts: one row per debrief and reason code, the segment, rep and time copied in,
  kept by two triggers on debrief_reasons (in the app: two more statements per debrief);
- reasons_wide: debrief_reasons itself with those columns added and `first_of_code` (the
  first row of a code in its debrief, so a code listed twice counts once); on push a
  trigger fills them, standing in for the app sending them;
- reason_cube: a monthly rollup of reason_facts (a materialized view: refreshed, not kept).
"""

from __future__ import annotations

import random

from sync.resources import load_json

DIMS = ("outcome", "stage", "industry", "company_size", "region", "competitor")
TAXONOMY = load_json("taxonomy/default.json")
SEGMENTS = load_json("segments.json")
# "Other" asks for words a bulk fill does not write: never picked.
CODES = {side: [c for cat in TAXONOMY["categories"] for c in cat["codes"]
                if c["applies_to"] in (side, "both") and not c.get("asks_for_words")]
         for side in ("win", "loss")}
for _side in CODES.values():
    random.Random(7).shuffle(_side)  # the zipf-ish skew falls on a fixed, mixed order


def arr(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def keys(name: str) -> list[str]:
    return [item["key"] for item in SEGMENTS[name]]


FILL_DEBRIEFS = f"""
INSERT INTO debriefs (id, rep_id, revision, outcome, stage, industry, company_size,
 region, reasons_unknown, competitor, deal_value, currency, crm_ref, quote, share_quote,
 created_at, updated_at, deleted, received_at) SELECT
 substr(h,1,8)||'-'||substr(h,9,4)||'-7'||substr(x,1,3)||'-'||substr('89ab',1+i%4,1)
   ||substr(x,4,3)||'-'||substr(x,7,4)||lpad(to_hex(i),8,'0'),
 rep, 1 + floor(random()*3)::int,
 CASE WHEN uo<.40 THEN 'lost' WHEN uo<.65 THEN 'won' WHEN uo<.75 THEN 'no_decision'
      WHEN uo<.85 THEN 'objection' ELSE 'progressed' END,
 ({arr(["awareness", "consideration", "interest", "evaluation", "selection"])})
   [1+floor(5*power(random(),.7))::int],
 CASE WHEN random()<.05 THEN NULL ELSE ({arr(keys("industries"))})
   [1+floor(15*power(random(),2))::int] END,
 CASE WHEN random()<.05 THEN NULL ELSE ({arr(keys("company_sizes"))})
   [1+floor(6*power(random(),1.5))::int] END,
 CASE WHEN random()<.05 THEN NULL ELSE ({arr(keys("regions"))})[1+(rep%100)%8] END,
 uk<.04,
 CASE WHEN random()<.35 THEN NULL ELSE 'Competitor '||(1+floor(300*power(random(),3)))::int END,
 CASE WHEN ud<.3 THEN NULL ELSE (1000+floor(random()*250000))::int::text END,
 CASE WHEN ud<.3 THEN NULL WHEN ud<.7 THEN 'USD' ELSE 'EUR' END,
 CASE WHEN random()<.3 THEN NULL ELSE 'OPP-'||i END,
 CASE WHEN uq<.05 THEN repeat('They told us the price was the real problem. ',3) END, uq<.05,
 t, t + random()*interval '2 days', random()<.01, t + interval '2 days 5 minutes'
FROM (SELECT i, t, lpad(to_hex((extract(epoch FROM t)*1000)::bigint),12,'0') AS h,
             md5(i::text) AS x, random() AS uo, random() AS uk, random() AS ud,
             random() AS uq, 1+floor(:reps*power(random(),1.3))::int AS rep
      FROM (SELECT i, :start + :span*(sqrt(1+3*i::float8/:n)-1) AS t
            FROM generate_series(1,:n) i) s) s2"""

FILL_REASONS = f"""
INSERT INTO debrief_reasons (debrief_id, position, code, detail, evidence, is_primary)
SELECT id, k, ({arr([c["key"] for c in CODES["win"] + CODES["loss"]])})[ix],
 CASE WHEN random()<.3 THEN NULLIF(({arr([(c.get("details") or [{"key": ""}])[0]["key"]
                                          for c in CODES["win"] + CODES["loss"]])})[ix],'') END,
 CASE WHEN random()<.5 THEN 'customer_said' ELSE 'my_read' END, k=0
FROM (SELECT id, reasons_unknown AS unk, outcome IN ('won','progressed') AS win,
             abs(hashtext(id)::bigint)%100 AS hn,
             abs(hashtext(id||'z')::bigint)%100000/100000.0 AS hz
      FROM debriefs) d
CROSS JOIN LATERAL generate_series(0, CASE WHEN unk THEN -1 WHEN hn<20 THEN 0 WHEN hn<50
  THEN 1 WHEN hn<80 THEN 2 WHEN hn<92 THEN 3 ELSE 4 END) k
CROSS JOIN LATERAL (SELECT CASE WHEN win THEN 1+(floor({len(CODES["win"])}*power(hz,2.5))::int
  +k*7)%{len(CODES["win"])} ELSE {len(CODES["win"]) + 1}+(floor({len(CODES["loss"])}
  *power(hz,2.5))::int+k*7)%{len(CODES["loss"])} END AS ix) c"""


SEGMENT = ", ".join(f"d.{name}" for name in DIMS)
DIM_LIST = ", ".join(DIMS)
RAW = f"(SELECT d.rep_id, d.created_at, {SEGMENT}, r.code, bool_or(r.is_primary) AS is_primary " \
      "FROM debriefs d JOIN debrief_reasons r ON r.debrief_id = d.id WHERE NOT d.deleted " \
      f"GROUP BY d.id, d.rep_id, d.created_at, {SEGMENT}, r.code) f"
SOURCES = {"raw": RAW, "facts": "reason_facts", "wide": "reasons_wide", "cube": "reason_cube"}


FACT_ROW = ("d.rep_id, date_trunc('month', timezone('UTC', d.created_at))::date AS month, "
            "d.created_at, " + SEGMENT)
PROTOTYPES = {  # name: statements that build it from the raw tables
    "reason_facts (one row per debrief and code)": ["""
CREATE TABLE reason_facts (debrief_id varchar(36) NOT NULL, code varchar(64) NOT NULL,
  is_primary boolean NOT NULL, rep_id integer NOT NULL, month date NOT NULL,
  created_at timestamptz NOT NULL, outcome varchar(16), stage varchar(16),
  industry varchar(64), company_size varchar(64), region varchar(64), competitor varchar(200),
  PRIMARY KEY (debrief_id, code))""", f"""
INSERT INTO reason_facts SELECT r.debrief_id, r.code, bool_or(r.is_primary), {FACT_ROW}
  FROM debrief_reasons r JOIN debriefs d ON d.id = r.debrief_id WHERE NOT d.deleted
  GROUP BY r.debrief_id, r.code, d.id""",
        "CREATE INDEX ix_reason_facts_created_at ON reason_facts (created_at)"],
    "reasons_wide (debrief_reasons + segment columns)": [f"""
CREATE TABLE reasons_wide AS SELECT r.*, {FACT_ROW}, d.deleted,
  r.position = min(r.position) OVER (PARTITION BY r.debrief_id, r.code) AS first_of_code
  FROM debrief_reasons r JOIN debriefs d ON d.id = r.debrief_id""",
        "ALTER TABLE reasons_wide ADD PRIMARY KEY (debrief_id, position)",
        "CREATE INDEX ix_reasons_wide_created_at ON reasons_wide (created_at)"],
    "monthly cube (materialized view over reason_facts)": [
        f"CREATE MATERIALIZED VIEW reason_cube AS SELECT month, {DIM_LIST}, code, is_primary, "
        "count(*) AS debriefs, min(rep_id) AS min_rep, max(rep_id) AS max_rep "
        f"FROM reason_facts GROUP BY month, {DIM_LIST}, code, is_primary"]}
TRIGGERS = [f"""
CREATE OR REPLACE FUNCTION reason_facts_add() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO reason_facts SELECT NEW.debrief_id, NEW.code, NEW.is_primary, {FACT_ROW}
  FROM debriefs d WHERE d.id = NEW.debrief_id AND NOT d.deleted
  ON CONFLICT (debrief_id, code)
  DO UPDATE SET is_primary = reason_facts.is_primary OR EXCLUDED.is_primary;
  RETURN NULL; END $$""", """
CREATE OR REPLACE FUNCTION reason_facts_drop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  DELETE FROM reason_facts f USING gone g WHERE f.debrief_id = g.debrief_id;
  RETURN NULL; END $$""", """
CREATE OR REPLACE TRIGGER reason_facts_add AFTER INSERT ON debrief_reasons
  FOR EACH ROW EXECUTE FUNCTION reason_facts_add()""", """
CREATE OR REPLACE TRIGGER reason_facts_drop AFTER DELETE ON debrief_reasons
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION reason_facts_drop()""",
    # The widened debrief_reasons: the app would send these columns; a trigger stands in.
    "ALTER TABLE debrief_reasons ADD COLUMN rep_id integer, ADD COLUMN month date, ADD COLUMN "
    "created_at timestamptz, ADD COLUMN deleted boolean, ADD COLUMN first_of_code boolean, "
    + ", ".join(f"ADD COLUMN {name} varchar(200)" for name in DIMS),
    "CREATE INDEX ix_debrief_reasons_created_at ON debrief_reasons (created_at) "
    "WHERE created_at IS NOT NULL", f"""
CREATE OR REPLACE FUNCTION reasons_widen() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  SELECT {FACT_ROW}, d.deleted INTO NEW.rep_id, NEW.month, NEW.created_at,
    {", ".join(f"NEW.{name}" for name in DIMS)}, NEW.deleted
  FROM debriefs d WHERE d.id = NEW.debrief_id;
  NEW.first_of_code := NOT EXISTS (SELECT 1 FROM debrief_reasons r
    WHERE r.debrief_id = NEW.debrief_id AND r.code = NEW.code);
  RETURN NEW; END $$""", """
CREATE OR REPLACE TRIGGER reasons_widen BEFORE INSERT ON debrief_reasons
  FOR EACH ROW EXECUTE FUNCTION reasons_widen()"""]
CLEANUP = ["DROP TABLE IF EXISTS reason_facts, reasons_wide CASCADE",
           *(f"DROP TRIGGER IF EXISTS {t} ON debrief_reasons" for t in
             ("reason_facts_add", "reason_facts_drop", "reasons_widen")),
           "DROP FUNCTION IF EXISTS reason_facts_add, reason_facts_drop, reasons_widen",
           "ALTER TABLE debrief_reasons " + ", ".join(
               f"DROP COLUMN IF EXISTS {name}" for name in
               ("rep_id", "month", "created_at", "deleted", "first_of_code", *DIMS))]
