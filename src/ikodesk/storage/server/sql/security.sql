-- What each ikodesk login may do on the office server: grants, row-level
-- security, and the SECURITY DEFINER functions through which the work that must
-- see across cases runs. Run as ikodesk_owner (the tables' owner) after every
-- migration by `ikodesk server init` / `server upgrade`; idempotent: it first
-- takes every grant away and then gives exactly what is written here.
--
-- The groups: ikodesk_student, ikodesk_jurist, ikodesk_mediation,
-- ikodesk_manager, ikodesk_admin; every ikodesk user is a login in one of them.
-- The owner owns every table and is never a login; row-level security applies
-- to every other role (it is not forced on the owner, so the functions below,
-- which run as the owner, see every row and return only what the caller may have).
--
-- Personal data: persons, children, contacts (summary, extra), case_notes,
-- mediation parties and children, the search index, the family-matching keys,
-- search terms. A student's or jurist's login reads the personal rows of the
-- cases it handles or has claimed (ikodesk_claim: checks the wall, records the
-- side), never of a case behind its wall. Managers and administrators read
-- statistical columns only (column privileges). The mediation bureau reads the
-- mediation dossiers and of the centre's cases only their basic facts.

SET search_path = public, pg_temp;

-- ---------------------------------------------------------------------------
-- A clean slate for the groups (re-runs give exactly what follows).
REVOKE ALL ON ALL TABLES IN SCHEMA public
    FROM PUBLIC, ikodesk_student, ikodesk_jurist, ikodesk_mediation, ikodesk_manager, ikodesk_admin;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public
    FROM PUBLIC, ikodesk_student, ikodesk_jurist, ikodesk_mediation, ikodesk_manager, ikodesk_admin;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public
    TO ikodesk_student, ikodesk_jurist, ikodesk_mediation, ikodesk_manager, ikodesk_admin;

-- ---------------------------------------------------------------------------
-- Who is asking: the session's login (never a value the client sends).
CREATE OR REPLACE FUNCTION ikodesk_me_id() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT u.id FROM users u WHERE u.username = session_user::text AND u.active
$$;

CREATE OR REPLACE FUNCTION ikodesk_me_role() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT u.role::text FROM users u WHERE u.username = session_user::text AND u.active
$$;

-- The cases `uid` is walled from: the other case of every walling pair
-- (confirmed, or a weak match under review) on which `uid` holds a claim.
-- With the caller's rights (no SECURITY DEFINER): the server's own functions call
-- it as the table owner; a login calling it reads only the walls it may read
-- anyway. The bureau, which reads no pairs, could otherwise ask it for every
-- handler and learn which two cases are one family (red team, 2026-12-03).
CREATE OR REPLACE FUNCTION ikodesk_walled_for(uid integer) RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = public, pg_temp AS $$
    SELECT CASE WHEN w.case_id = p.case_a_id THEN p.case_b_id ELSE p.case_a_id END
    FROM wall_claims w JOIN conflict_pairs p ON p.id = w.pair_id
    WHERE w.user_id = uid AND p.status IN ('conflict', 'review')
$$;

-- The cases whose personal rows the session's login may read: those it handles
-- or has claimed, within its role's lines, never one behind its wall.
-- Every row policy on personal data asks this once per statement, so it must stay
-- cheap for a student who took 15,000 calls in ten years: the walled ids are made
-- once (`walled`, not a subquery on `me.id`, which PostgreSQL ran again for every
-- case: 200 ms a statement), the handled cases come from an index that carries
-- their id and line (ix_cases_handler_cover, migration 0017), and a case both
-- handled and claimed may come twice (`IN` does not mind; no sort to drop it).
-- Policies ask it in FROM (`SELECT r.id FROM ikodesk_readable_cases() AS r(id)`):
-- called in a select list, PostgreSQL takes its rows one call at a time (5x slower).
CREATE OR REPLACE FUNCTION ikodesk_readable_cases() RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH me AS (
        SELECT u.id, u.role FROM users u
        WHERE u.username = session_user::text AND u.active AND u.role IN ('jurist', 'student')
    ), walled AS (
        SELECT w.id FROM me CROSS JOIN LATERAL ikodesk_walled_for(me.id) AS w(id)
    ), mine AS (
        SELECT c.id, c.line, c.handler_id FROM cases c JOIN me ON c.handler_id = me.id
        UNION ALL
        SELECT c.id, c.line, c.handler_id
        FROM case_openings o JOIN me ON o.user_id = me.id JOIN cases c ON c.id = o.case_id
    )
    SELECT mine.id FROM mine, me
    WHERE (me.role = 'jurist' OR mine.line = 1 OR mine.handler_id = me.id)
      AND mine.id NOT IN (SELECT id FROM walled)
$$;

-- Record that `uid` stands on case `cid`'s side of every walling pair it is in.
CREATE OR REPLACE FUNCTION ikodesk_record_sides(uid integer, cid integer, how text)
RETURNS void LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    INSERT INTO wall_claims (pair_id, user_id, case_id, basis, both_sides, at)
    SELECT p.id, uid, cid, how, false, localtimestamp FROM conflict_pairs p
    WHERE p.status IN ('conflict', 'review') AND (p.case_a_id = cid OR p.case_b_id = cid)
    ON CONFLICT DO NOTHING
$$;

-- Claim-before-read: the login asks to read a dossier. Refused behind the wall
-- (IK001) or outside its role's lines (IK003); else its side of every conflict
-- of the case is recorded, and from then on the case's personal rows are visible.
CREATE OR REPLACE FUNCTION ikodesk_claim(p_case integer) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me_id integer := ikodesk_me_id();
    me_role text := ikodesk_me_role();
    c record;
BEGIN
    IF me_id IS NULL OR me_role NOT IN ('jurist', 'student') THEN
        RAISE EXCEPTION 'ikodesk: this role reads no dossiers' USING ERRCODE = 'IK003';
    END IF;
    SELECT id, line, handler_id INTO c FROM cases WHERE id = p_case;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF me_role = 'student' AND c.line = 2 AND c.handler_id <> me_id THEN
        RAISE EXCEPTION 'ikodesk: a jurist handles this case' USING ERRCODE = 'IK003';
    END IF;
    IF p_case IN (SELECT ikodesk_walled_for(me_id)) THEN
        RAISE EXCEPTION 'ikodesk: behind a conflict wall' USING ERRCODE = 'IK001';
    END IF;
    INSERT INTO case_openings (user_id, case_id, first_at)
    VALUES (me_id, p_case, localtimestamp) ON CONFLICT DO NOTHING;
    PERFORM ikodesk_record_sides(me_id, p_case, 'opened');
END
$$;

-- A case's creator has seen it; its handler stands on its side; a handler who
-- is walled from the case cannot be given it (IK002), whatever the client sends.
-- An administrator's import (ikodesk_import_load) creates cases it has not seen
-- and cannot read: no opening for it, or it would stand on both sides of every
-- conflict among the cases it imported.
CREATE OR REPLACE FUNCTION ikodesk_case_written() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me_id integer := ikodesk_me_id();
BEGIN
    IF NEW.id IN (SELECT ikodesk_walled_for(NEW.handler_id)) THEN
        RAISE EXCEPTION 'ikodesk: handler is walled from this case' USING ERRCODE = 'IK002';
    END IF;
    IF TG_OP = 'INSERT' AND me_id IS NOT NULL AND ikodesk_me_role() IN ('jurist', 'student') THEN
        INSERT INTO case_openings (user_id, case_id, first_at)
        VALUES (me_id, NEW.id, localtimestamp) ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP = 'INSERT' OR NEW.handler_id IS DISTINCT FROM OLD.handler_id THEN
        PERFORM ikodesk_record_sides(NEW.handler_id, NEW.id, 'assigned');
    END IF;
    RETURN NULL;
END
$$;
CREATE OR REPLACE TRIGGER cases_written AFTER INSERT OR UPDATE OF handler_id ON cases
    FOR EACH ROW EXECUTE FUNCTION ikodesk_case_written();

-- References: the last one given with this prefix, over every case or
-- mediation (also those the login cannot see), taken under a lock held until
-- the transaction ends, so that references are unique under concurrent
-- registration (ikodesk adds one: services.cases.next_ref).
CREATE OR REPLACE FUNCTION ikodesk_last_ref(kind text, prefix text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7311, CASE WHEN kind = 'mediation' THEN 2 ELSE 1 END);
    IF kind = 'mediation' THEN
        RETURN (SELECT max(ref) FROM mediations WHERE ref >= prefix AND ref < prefix || '~');
    END IF;
    RETURN (SELECT max(ref) FROM cases WHERE ref >= prefix AND ref < prefix || '~');
END
$$;

-- ---------------------------------------------------------------------------
-- The audit log: the server writes the chain. Logins may only insert the
-- description of an event; who (session_user), when, the sequence number and
-- the hash are set here, so a client can neither forge nor rewrite them.
--
-- An entry's hash: services.audit.chain_hash (the previous hash, a newline, and
-- the canonical form of services.audit.canonical: a compact JSON array, UTF-8).
CREATE OR REPLACE FUNCTION ikodesk_audit_hash(prev text, e audit_log) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = public, pg_temp AS $$
    SELECT encode(sha256(convert_to(prev || E'\n' || '[' || e.id::text
        || ',' || to_json(e.at)::text
        || ',' || coalesce(e.user_id::text, 'null')
        || ',' || to_json(e.username)::text
        || ',' || to_json(e.workstation)::text
        || ',' || to_json(e.action)::text
        || ',' || to_json(e.object_type)::text
        || ',' || coalesce(to_json(e.object_ref)::text, 'null')
        || ',' || to_json(e.result)::text
        || ',' || coalesce(to_json(e.detail)::text, 'null')
        || ']', 'UTF8')), 'hex')
$$;

CREATE OR REPLACE FUNCTION ikodesk_audit_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    head text;
    seq bigint;
    prev text;
BEGIN
    INSERT INTO meta (key, value)
    SELECT 'audit_head', coalesce(
        (SELECT a.id || ' ' || a.hash FROM audit_log a ORDER BY a.id DESC LIMIT 1),
        '0 ' || repeat('0', 64))
    ON CONFLICT (key) DO NOTHING;
    SELECT value INTO head FROM meta WHERE key = 'audit_head' FOR UPDATE;
    seq := split_part(head, ' ', 1)::bigint + 1;
    prev := split_part(head, ' ', 2);
    NEW.id := seq;
    NEW.at := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
    NEW.username := session_user::text;
    NEW.user_id := (SELECT u.id FROM users u WHERE u.username = session_user::text);
    NEW.workstation := left(coalesce(NEW.workstation, ''), 200);
    NEW.hash := ikodesk_audit_hash(prev, NEW);
    UPDATE meta SET value = seq::text || ' ' || NEW.hash WHERE key = 'audit_head';
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION ikodesk_audit_chain();

-- ---------------------------------------------------------------------------
-- Grants. Reference data and facts first.
GRANT SELECT ON alembic_version, countries, activities, historical_figures
    TO ikodesk_student, ikodesk_jurist, ikodesk_mediation, ikodesk_manager, ikodesk_admin;
GRANT INSERT, UPDATE, DELETE ON countries, activities, historical_figures TO ikodesk_admin;
-- Published figures and the report's chapters (issue #14): managers and
-- administrators freeze a year and write the chapters; everyone reads them.
GRANT SELECT ON historical_figure_versions, report_texts
    TO ikodesk_student, ikodesk_jurist, ikodesk_mediation, ikodesk_manager, ikodesk_admin;
GRANT INSERT, UPDATE, DELETE ON historical_figures, historical_figure_versions, report_texts
    TO ikodesk_manager, ikodesk_admin;
GRANT USAGE ON SEQUENCE historical_figure_versions_id_seq TO ikodesk_manager, ikodesk_admin;

-- meta: settings and the audit head; the search-terms secret stays with the owner.
GRANT SELECT ON meta
    TO ikodesk_student, ikodesk_jurist, ikodesk_mediation, ikodesk_manager, ikodesk_admin;
GRANT INSERT, UPDATE, DELETE ON meta TO ikodesk_admin;
ALTER TABLE meta ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS meta_read ON meta;
CREATE POLICY meta_read ON meta FOR SELECT USING (key <> 'search_terms_key');
DROP POLICY IF EXISTS meta_admin_insert ON meta;
CREATE POLICY meta_admin_insert ON meta FOR INSERT TO ikodesk_admin
    WITH CHECK (key NOT IN ('database_id', 'audit_head', 'search_terms_key',
                        'migration_setup_entries'));
DROP POLICY IF EXISTS meta_admin_update ON meta;
CREATE POLICY meta_admin_update ON meta FOR UPDATE TO ikodesk_admin
    USING (key NOT IN ('database_id', 'audit_head', 'search_terms_key',
                        'migration_setup_entries'))
    WITH CHECK (key NOT IN ('database_id', 'audit_head', 'search_terms_key',
                        'migration_setup_entries'));
-- A setting put back to its default is deleted (app_settings._put): only the
-- administrators' own settings, never the audit head, anchor or a migration's mark.
DROP POLICY IF EXISTS meta_admin_delete ON meta;
CREATE POLICY meta_admin_delete ON meta FOR DELETE TO ikodesk_admin
    USING (key IN ('records_complete_from', 'report_logo', 'report_logo_type',
                   'idle_lock_minutes'));

-- users: who is who; administrators manage them, and a trigger keeps the
-- PostgreSQL logins in step (logins.sql). `password_hash` holds only the marker
-- 'server' or NULL here (the password itself is the login's SCRAM secret).
GRANT SELECT ON users
    TO ikodesk_student, ikodesk_jurist, ikodesk_mediation, ikodesk_manager, ikodesk_admin;
GRANT INSERT, UPDATE, DELETE ON users TO ikodesk_admin;
GRANT USAGE ON SEQUENCE users_id_seq TO ikodesk_admin;
CREATE OR REPLACE TRIGGER users_login BEFORE INSERT OR UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION ikodesk_sync_login();
-- A deleted user's login goes too, with a second administrator's approval.
CREATE OR REPLACE TRIGGER users_login_dropped AFTER DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION ikodesk_drop_login();

-- cases: the facts of every case (students: their lines); its text is in case_notes.
GRANT SELECT ON cases TO ikodesk_jurist, ikodesk_manager, ikodesk_admin, ikodesk_student;
-- The bureau's "basic facts" of a linked case (cases.get_case_basics): reference,
-- line, code, dates, country, and whether it stands in a conflict (below).
GRANT SELECT (id, ref, line, code, opened, closed, country) ON cases TO ikodesk_mediation;
-- (INSERT and UPDATE: below, every column but the id)
GRANT USAGE ON SEQUENCE cases_id_seq TO ikodesk_jurist, ikodesk_student;
ALTER TABLE cases ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS cases_read ON cases;
CREATE POLICY cases_read ON cases FOR SELECT
    TO ikodesk_jurist, ikodesk_manager, ikodesk_admin, ikodesk_mediation USING (true);
DROP POLICY IF EXISTS cases_student_read ON cases;
CREATE POLICY cases_student_read ON cases FOR SELECT TO ikodesk_student
    USING (line = 1 OR handler_id = ikodesk_me_id());
DROP POLICY IF EXISTS cases_insert ON cases;
CREATE POLICY cases_insert ON cases FOR INSERT TO ikodesk_jurist, ikodesk_student
    WITH CHECK (ikodesk_me_role() = 'jurist' OR line = 1 OR handler_id = ikodesk_me_id());
DROP POLICY IF EXISTS cases_update ON cases;
CREATE POLICY cases_update ON cases FOR UPDATE TO ikodesk_jurist, ikodesk_student
    USING (id IN (SELECT r.id FROM ikodesk_readable_cases() AS r(id)))
    WITH CHECK (ikodesk_me_role() = 'jurist' OR line = 1 OR handler_id = ikodesk_me_id());

-- The child ages the figures count (a view with its owner's rights: ages only).
GRANT SELECT ON child_ages TO ikodesk_manager, ikodesk_admin;

-- Personal rows of cases: readable cases only; managers and administrators
-- may count them by their statistical columns.
GRANT SELECT, DELETE ON case_notes, persons, children, contacts
    TO ikodesk_jurist, ikodesk_student;
-- Inserting: every column but the id, which comes from the sequence. An INSERT
-- naming the id of a row the login cannot read, with ON CONFLICT (id) DO UPDATE
-- ... WHERE, had PostgreSQL evaluate that WHERE on the hidden row before the row
-- policy refused it: its error or its outcome read out any column of any person,
-- child or contact moment (red team, 2026-12-03). The columns are read from the
-- catalogue, so a column a later migration adds is granted too.
DO $$
DECLARE
    t text;
    cols text;
BEGIN
    FOREACH t IN ARRAY ARRAY['cases', 'case_notes', 'persons', 'children', 'contacts'] LOOP
        EXECUTE format('REVOKE INSERT, UPDATE ON %I FROM ikodesk_jurist, ikodesk_student', t);
        SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
        FROM pg_attribute
        WHERE attrelid = format('public.%I', t)::regclass AND attnum > 0
          AND NOT attisdropped AND attname <> 'id';
        -- (nor moved: an id pushed ahead of the sequence blocked the next desk's save)
        EXECUTE format('GRANT INSERT (%s), UPDATE (%s) ON %I TO ikodesk_jurist, ikodesk_student',
                       cols, cols, t);
    END LOOP;
END
$$;
-- A case's reference the same way: a student could name a Line 2 case's reference
-- with ON CONFLICT (ref) DO UPDATE ... WHERE and read that case's facts. A
-- reference already taken is refused before PostgreSQL looks for the conflict.
CREATE OR REPLACE FUNCTION ikodesk_case_ref_free() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    -- After any other insert of a case still in progress (this lock is held until
    -- its transaction ends, as ikodesk_last_ref's): that case is then committed and
    -- seen here, rather than met by the unique index after this check, where ON
    -- CONFLICT would read it (red team, round three). An import holds it while it
    -- runs, so registrations wait for it.
    PERFORM pg_advisory_xact_lock(7311, 1);
    IF EXISTS (SELECT FROM cases WHERE ref = NEW.ref) THEN
        RAISE EXCEPTION 'ikodesk: case reference % is taken', NEW.ref
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'uq_cases_ref';
    END IF;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER cases_ref_free BEFORE INSERT ON cases
    FOR EACH ROW EXECUTE FUNCTION ikodesk_case_ref_free();
GRANT USAGE ON SEQUENCE persons_id_seq, children_id_seq, contacts_id_seq
    TO ikodesk_jurist, ikodesk_student;
GRANT SELECT (id, case_id, role, kind, relation, side, organisation_type)
    ON persons TO ikodesk_manager, ikodesk_admin;
GRANT SELECT (id, case_id, position, age) ON children TO ikodesk_manager, ikodesk_admin;
GRANT SELECT (id, case_id, at, channel, party, handler_id, minutes)
    ON contacts TO ikodesk_manager, ikodesk_admin;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['case_notes', 'persons', 'children', 'contacts'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY IF EXISTS %I ON %I', t || '_dossier', t);
        EXECUTE format(
            'CREATE POLICY %I ON %I FOR ALL TO ikodesk_jurist, ikodesk_student '
            'USING (case_id IN (SELECT r.id FROM ikodesk_readable_cases() AS r(id))) '
            'WITH CHECK (case_id IN (SELECT r.id FROM ikodesk_readable_cases() AS r(id)))', t || '_dossier', t);
        EXECUTE format('DROP POLICY IF EXISTS %I ON %I', t || '_counting', t);
        IF t <> 'case_notes' THEN
            EXECUTE format(
                'CREATE POLICY %I ON %I FOR SELECT TO ikodesk_manager, ikodesk_admin '
                'USING (true)', t || '_counting', t);
        END IF;
    END LOOP;
END
$$;

-- Walls: everyone who works with cases sees who stands where (ids only);
-- pairs and claims are written by the functions and the detection, and an
-- administrator decides weak matches (review).
GRANT SELECT ON conflict_pairs, wall_claims, case_openings
    TO ikodesk_student, ikodesk_jurist, ikodesk_manager, ikodesk_admin;
GRANT UPDATE (status, decided, decided_by, reason) ON conflict_pairs TO ikodesk_admin;
-- The bureau reads no pairs (they would tell which two cases are one family);
-- it asks ikodesk_case_in_conflict whether one linked case stands in a conflict.
REVOKE ALL ON conflict_pairs FROM ikodesk_mediation;
GRANT DELETE ON wall_claims TO ikodesk_admin;
-- match_keys and case_search: no grants at all (the functions read them).
ALTER TABLE match_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_search ENABLE ROW LEVEL SECURITY;

-- Audit: everyone appends (the trigger above writes who, when and the chain);
-- administrators read. Nobody updates, deletes or truncates (not even the owner:
-- audit_log_no_update / audit_log_no_delete, migration 0004).
GRANT INSERT (workstation, action, object_type, object_ref, result, detail) ON audit_log
    TO ikodesk_student, ikodesk_jurist, ikodesk_mediation, ikodesk_manager, ikodesk_admin;
GRANT SELECT ON audit_log TO ikodesk_admin;
-- The login trigger (owned by ikodesk_roles) records every change of a login itself.
GRANT INSERT (workstation, action, object_type, object_ref, result, detail) ON audit_log
    TO ikodesk_roles;
-- Search terms: kept beside the chain, written by the search function only.
ALTER TABLE audit_search_terms ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON audit_search_terms TO ikodesk_admin;
DROP POLICY IF EXISTS audit_search_terms_admin ON audit_search_terms;
CREATE POLICY audit_search_terms_admin ON audit_search_terms FOR SELECT TO ikodesk_admin
    USING (true);

-- Mediation: the bureau reads and writes its dossiers; managers and
-- administrators count them by their statistical columns.
GRANT SELECT, INSERT, UPDATE, DELETE
    ON mediation_parents, mediation_children, child_interviews, mediation_mediators
    TO ikodesk_mediation;
-- A mediation itself is never deleted by the bureau (retention does that, in the
-- server's own function): a mediation saved stays in its list. Throw-away
-- mediations saved to ask the mediator warning about a case's people, then
-- deleted, would leave no trace (red team, 2026-12-03).
GRANT SELECT, INSERT, UPDATE ON mediations TO ikodesk_mediation;
REVOKE DELETE ON mediations FROM ikodesk_mediation;
GRANT SELECT, INSERT, UPDATE ON mediators TO ikodesk_mediation, ikodesk_admin;
GRANT SELECT ON mediators TO ikodesk_manager;
GRANT USAGE ON SEQUENCE mediations_id_seq, mediation_parents_id_seq, mediation_children_id_seq,
    child_interviews_id_seq, mediators_id_seq TO ikodesk_mediation;
GRANT USAGE ON SEQUENCE mediators_id_seq TO ikodesk_admin;
GRANT SELECT (id, ref, kind, requested, case_id, referred_by, status, started, special_curator,
              intake, outcome, ended, failure_reasons, created_at)
    ON mediations TO ikodesk_manager, ikodesk_admin;
GRANT SELECT ON child_interviews, mediation_mediators TO ikodesk_manager, ikodesk_admin;
GRANT SELECT (id, mediation_id, position, age) ON mediation_children
    TO ikodesk_manager, ikodesk_admin;
GRANT SELECT (id, mediation_id, position, relation, country) ON mediation_parents
    TO ikodesk_manager, ikodesk_admin;

-- The functions the logins call.
GRANT EXECUTE ON FUNCTION ikodesk_me_id(), ikodesk_me_role(), ikodesk_readable_cases(),
    ikodesk_walled_for(integer)
    TO ikodesk_student, ikodesk_jurist, ikodesk_mediation, ikodesk_manager, ikodesk_admin;
GRANT EXECUTE ON FUNCTION ikodesk_claim(integer) TO ikodesk_student, ikodesk_jurist;
GRANT EXECUTE ON FUNCTION ikodesk_last_ref(text, text)
    TO ikodesk_student, ikodesk_jurist, ikodesk_mediation;

-- ---------------------------------------------------------------------------
-- Retention (issue #18). Administrators keep the periods and read the register;
-- holds: an administrator sets and lifts them on any case, a jurist sets one on
-- a case they handle (services.access.require_hold; here the server enforces it).
-- The retention run itself is refused on the office server (docs/security.md,
-- "Retention and destruction"): no login may write the register or mark cases
-- anonymised, so nothing here grants that.
GRANT SELECT, INSERT, UPDATE ON retention_periods TO ikodesk_admin;
GRANT SELECT ON destruction_runs, anonymised_cases, anonymised_mediations TO ikodesk_admin;
GRANT SELECT, INSERT, DELETE ON legal_holds TO ikodesk_admin;
GRANT SELECT, INSERT ON legal_holds TO ikodesk_jurist;
ALTER TABLE legal_holds ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS legal_holds_admin ON legal_holds;
CREATE POLICY legal_holds_admin ON legal_holds FOR ALL TO ikodesk_admin
    USING (true) WITH CHECK (set_by = session_user::text);
DROP POLICY IF EXISTS legal_holds_jurist_read ON legal_holds;
CREATE POLICY legal_holds_jurist_read ON legal_holds FOR SELECT TO ikodesk_jurist
    USING (case_id IN (SELECT c.id FROM cases c WHERE c.handler_id = ikodesk_me_id()));
DROP POLICY IF EXISTS legal_holds_jurist_set ON legal_holds;
CREATE POLICY legal_holds_jurist_set ON legal_holds FOR INSERT TO ikodesk_jurist
    WITH CHECK (set_by = session_user::text
                AND case_id IN (SELECT c.id FROM cases c WHERE c.handler_id = ikodesk_me_id())
                AND case_id NOT IN (SELECT ikodesk_walled_for(ikodesk_me_id())));
-- Who changed a retention period is the login that did, whatever name the client
-- sends; a legal hold lifted is recorded by the server (red team, round four:
-- an administrator lifted a jurist's hold from psql without a trace).
CREATE OR REPLACE FUNCTION ikodesk_retention_period_written() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.years IS DISTINCT FROM OLD.years THEN
        NEW.changed_by := session_user::text;
    ELSE
        NEW.changed_by := OLD.changed_by;
    END IF;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER retention_periods_written BEFORE INSERT OR UPDATE ON retention_periods
    FOR EACH ROW EXECUTE FUNCTION ikodesk_retention_period_written();
CREATE OR REPLACE FUNCTION ikodesk_legal_hold_lifted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RAISE LOG 'ikodesk legal hold lifted: case %, by %', OLD.case_id, session_user;
    INSERT INTO audit_log (workstation, action, object_type, object_ref, result, detail)
    SELECT 'server', 'retention.hold', 'case', c.ref, 'allowed',
           left('bewaarplicht opgeheven (gezet door ' || OLD.set_by || ')', 300)
    FROM cases c WHERE c.id = OLD.case_id;
    RETURN OLD;
END
$$;
CREATE OR REPLACE TRIGGER legal_holds_lifted AFTER DELETE ON legal_holds
    FOR EACH ROW EXECUTE FUNCTION ikodesk_legal_hold_lifted();
-- Access requests (AVG art. 15): their one-month clocks, no names. Administrators
-- read them (the Termijnen page); making a pack is refused on the office server
-- (services.subject_access), so nothing here grants writing.
GRANT SELECT ON access_requests TO ikodesk_admin;
