-- The work that must look across cases, done by the server for a login and
-- returning only what that login may have. Run as ikodesk_owner; idempotent.
--
--   ikodesk_search_ids(q, lim)     the cases a search finds that the login may list
--   ikodesk_wall_notice(q)         yes/no: does q, as a whole, name a case behind its wall
--   ikodesk_add_search_terms(...)  keeps what was searched for beside the audit chain
--   ikodesk_search_secret()        the key of those references (administrators)

SET search_path = public, pg_temp;

-- Folded as the embedded search folds: case, diacritics and spacing.
CREATE OR REPLACE FUNCTION ikodesk_fold(value text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT regexp_replace(btrim(lower(public.unaccent(coalesce(value, '')))), '\s+', ' ', 'g')
$$;

-- The search index (case_search: one row per case, its names folded), kept by
-- the server itself: statement triggers on persons and children rewrite the
-- rows of the cases a statement touched, so a bulk import or a move pays once
-- per statement. A trigram index lets a search find a fragment of a name
-- without folding every name of the office. No login reads the table (no
-- grants, RLS on): only ikodesk_search_ids does.
CREATE OR REPLACE FUNCTION ikodesk_case_names(p_case integer) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT ikodesk_fold(concat_ws(' ',
        (SELECT string_agg(concat_ws(' ', p.first_name, p.last_name, p.organisation), ' '
                           ORDER BY p.id)
         FROM persons p WHERE p.case_id = p_case),
        (SELECT string_agg(concat_ws(' ', ch.first_name, ch.last_name), ' ' ORDER BY ch.id)
         FROM children ch WHERE ch.case_id = p_case)))
$$;

CREATE OR REPLACE FUNCTION ikodesk_reindex_names(ids integer[]) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    INSERT INTO case_search (rowid, ref, names)
    SELECT c.id, c.ref, ikodesk_case_names(c.id) FROM cases c WHERE c.id = ANY (ids)
    ON CONFLICT (rowid) DO UPDATE SET ref = EXCLUDED.ref, names = EXCLUDED.names
$$;

CREATE OR REPLACE FUNCTION ikodesk_names_written() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM ikodesk_reindex_names(ARRAY(SELECT DISTINCT case_id FROM old_rows));
    ELSE
        PERFORM ikodesk_reindex_names(ARRAY(SELECT DISTINCT case_id FROM new_rows));
    END IF;
    RETURN NULL;
END
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['persons', 'children'] LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_search_insert', t);
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_search_update', t);
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_search_delete', t);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION ikodesk_names_written()',
                       t || '_search_insert', t);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION ikodesk_names_written()',
                       t || '_search_update', t);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION ikodesk_names_written()',
                       t || '_search_delete', t);
    END LOOP;
END
$$;
CREATE INDEX IF NOT EXISTS ix_case_search_names_trgm ON case_search
    USING gin (names public.gin_trgm_ops);
-- Cases written before the index existed (an upgraded server), and any row that
-- drifted: brought up to date at every init and upgrade.
INSERT INTO case_search (rowid, ref, names)
SELECT c.id, c.ref, ikodesk_case_names(c.id) FROM cases c
ON CONFLICT (rowid) DO UPDATE SET ref = EXCLUDED.ref, names = EXCLUDED.names
WHERE case_search.names IS DISTINCT FROM EXCLUDED.names OR case_search.ref <> EXCLUDED.ref;

-- The cases whose names contain every word of q (three characters or more),
-- newest first, of those the login may list, never one behind its wall. The
-- longest word goes through the trigram index; the others are checked on the
-- rows it finds.
CREATE OR REPLACE FUNCTION ikodesk_search_ids(q text, lim integer) RETURNS SETOF integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me_id integer := ikodesk_me_id();
    me_role text := ikodesk_me_role();
    words text[];
    longest text;
BEGIN
    IF me_id IS NULL OR me_role NOT IN ('jurist', 'student') THEN
        RAISE EXCEPTION 'ikodesk: this role does not search dossiers' USING ERRCODE = 'IK003';
    END IF;
    SELECT array_agg(w ORDER BY length(w) DESC) INTO words
    FROM regexp_split_to_table(ikodesk_fold(q), ' ') AS w WHERE length(w) >= 3;
    IF words IS NULL THEN
        RETURN;
    END IF;
    longest := '%' || replace(replace(replace(words[1], '\', '\\'), '%', '\%'), '_', '\_') || '%';
    RETURN QUERY
    SELECT c.id FROM case_search cs
    JOIN cases c ON c.id = cs.rowid
    WHERE cs.names LIKE longest
      AND (SELECT bool_and(strpos(cs.names, w) > 0) FROM unnest(words) AS w)
      AND (me_role = 'jurist' OR c.line = 1 OR c.handler_id = me_id)
      AND c.id NOT IN (SELECT ikodesk_walled_for(me_id))
    ORDER BY c.id DESC
    LIMIT lim;
END
$$;

-- Yes or no, on whole values only (services.wall_notice): q equals the
-- reference, a surname or full name, an organisation, or a child's surname or
-- full name of a case behind the login's wall. Never which case, never how many.
CREATE OR REPLACE FUNCTION ikodesk_wall_notice(q text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    -- (The walled ids joined, not `c.id IN (SELECT ikodesk_walled_for(me.id))`:
    -- that subquery on `me` made PostgreSQL read every case: 12 ms -> 1 ms a search.)
    WITH me AS (SELECT ikodesk_me_id() AS id, ikodesk_me_role() AS role),
    walled AS (
        SELECT c.id, c.ref FROM me
        CROSS JOIN LATERAL ikodesk_walled_for(me.id) AS w(id)
        JOIN cases c ON c.id = w.id
        WHERE me.id IS NOT NULL
          AND (me.role = 'jurist' OR c.line = 1 OR c.handler_id = me.id)
    ), named AS (
        SELECT p.case_id, p.first_name, p.last_name
        FROM walled JOIN persons p ON p.case_id = walled.id
        UNION ALL
        SELECT p.case_id, NULL, p.organisation
        FROM walled JOIN persons p ON p.case_id = walled.id
        WHERE p.organisation IS NOT NULL
        UNION ALL
        SELECT ch.case_id, ch.first_name, ch.last_name
        FROM walled JOIN children ch ON ch.case_id = walled.id
    ), whole AS (
        SELECT ikodesk_fold(ref) AS v FROM walled
        UNION ALL SELECT ikodesk_fold(last_name) FROM named WHERE last_name IS NOT NULL
        UNION ALL SELECT ikodesk_fold(concat_ws(' ', first_name, last_name)) FROM named
        UNION ALL SELECT ikodesk_fold(concat_ws(' ', last_name, first_name)) FROM named
            WHERE first_name IS NOT NULL AND last_name IS NOT NULL
    )
    SELECT ikodesk_fold(q) <> '' AND EXISTS (SELECT 1 FROM whole WHERE v = ikodesk_fold(q))
$$;

-- What the access policy needs of a case the login's rows do not show (a
-- student and a taken-over dossier): its reference, line and handler, never
-- anything of its people. The client then refuses as the file would ("Geen
-- toegang", audited), not "bestaat niet". By id, or by reference when id is NULL.
CREATE OR REPLACE FUNCTION ikodesk_case_policy_facts(p_id integer, p_ref text)
RETURNS TABLE (id integer, ref text, line integer, handler_id integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    -- (not the handler to the bureau, which reads no handler of a case)
    SELECT c.id, c.ref, c.line,
           CASE WHEN ikodesk_me_role() = 'mediation' THEN NULL ELSE c.handler_id END
    FROM cases c
    WHERE ikodesk_me_id() IS NOT NULL
      AND (c.id = p_id OR (p_id IS NULL AND c.ref = p_ref))
$$;

-- Whether one case stands in a walling conflict (confirmed or under review):
-- the badge the mediation bureau sees on a linked case. Never the other case.
CREATE OR REPLACE FUNCTION ikodesk_case_in_conflict(p_case integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT ikodesk_me_id() IS NOT NULL AND EXISTS (
        SELECT 1 FROM conflict_pairs p
        WHERE (p.case_a_id = p_case OR p.case_b_id = p_case)
          AND p.status IN ('conflict', 'review'))
$$;

-- What was searched for, beside the audit chain (services.search_audit): the
-- reference is an HMAC with the database's secret, which no login reads.
CREATE OR REPLACE FUNCTION ikodesk_add_search_terms(nonce text, terms text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    secret text := (SELECT value FROM meta WHERE key = 'search_terms_key');
    ref text;
BEGIN
    ref := encode(public.hmac(decode(nonce, 'hex') || '\x0a'::bytea || convert_to(terms, 'UTF8'),
                              decode(secret, 'hex'), 'sha256'), 'hex');
    INSERT INTO audit_search_terms (ref, nonce, terms, created)
    VALUES (ref, nonce, left(terms, 1000),
            to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
    ON CONFLICT DO NOTHING;
    RETURN ref;
END
$$;

CREATE OR REPLACE FUNCTION ikodesk_search_secret() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT value FROM meta WHERE key = 'search_terms_key' AND ikodesk_me_role() = 'admin'
$$;

GRANT EXECUTE ON FUNCTION ikodesk_fold(text)
    TO ikodesk_student, ikodesk_jurist, ikodesk_mediation, ikodesk_manager, ikodesk_admin;
GRANT EXECUTE ON FUNCTION ikodesk_case_in_conflict(integer) TO ikodesk_mediation;
GRANT EXECUTE ON FUNCTION ikodesk_case_policy_facts(integer, text)
    TO ikodesk_student, ikodesk_jurist, ikodesk_mediation, ikodesk_manager, ikodesk_admin;
GRANT EXECUTE ON FUNCTION ikodesk_search_ids(text, integer), ikodesk_wall_notice(text)
    TO ikodesk_student, ikodesk_jurist;
GRANT EXECUTE ON FUNCTION ikodesk_add_search_terms(text, text)
    TO ikodesk_student, ikodesk_jurist, ikodesk_mediation, ikodesk_manager, ikodesk_admin;
GRANT EXECUTE ON FUNCTION ikodesk_search_secret() TO ikodesk_admin;

-- ---------------------------------------------------------------------------
-- Conflict detection (services.conflicts.detection, on the server). The login
-- that wrote a case hands in its matching profile and blocking keys (computed
-- from the data it just wrote); the server finds the candidates among ALL
-- cases, compares them (ikodesk_fm_compare, family_match.sql), records pairs
-- and walls, and returns only pair ids, case ids and statuses: never the
-- other side's data.

-- Every user attached to either case of these new pairs gets their side:
-- the side they handle; else the one they opened first; else the older case
-- (services.conflicts.sides.put_users_on_sides).
CREATE OR REPLACE FUNCTION ikodesk_put_users_on_sides(pair_ids integer[]) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH pairs AS (
        SELECT p.id, p.case_a_id AS a, p.case_b_id AS b FROM conflict_pairs p
        WHERE p.id = ANY (pair_ids)
    ), attached AS (
        SELECT pairs.id AS pid, c.handler_id AS uid FROM pairs
        JOIN cases c ON c.id IN (pairs.a, pairs.b)
        UNION
        SELECT pairs.id, o.user_id FROM pairs
        JOIN case_openings o ON o.case_id IN (pairs.a, pairs.b)
    ), facts AS (
        SELECT at.pid, at.uid, pairs.a, pairs.b,
               ca.handler_id = at.uid AS handles_a, cb.handler_id = at.uid AS handles_b,
               oa.first_at AS seen_a, ob.first_at AS seen_b, ca.opened AS opened_a,
               cb.opened AS opened_b
        FROM attached at JOIN pairs ON pairs.id = at.pid
        JOIN cases ca ON ca.id = pairs.a JOIN cases cb ON cb.id = pairs.b
        LEFT JOIN case_openings oa ON oa.user_id = at.uid AND oa.case_id = pairs.a
        LEFT JOIN case_openings ob ON ob.user_id = at.uid AND ob.case_id = pairs.b
    ), sides AS (
        SELECT pid, uid,
            CASE
                WHEN handles_a AND NOT handles_b THEN a
                WHEN handles_b AND NOT handles_a THEN b
                WHEN NOT handles_a AND NOT handles_b AND seen_a IS NOT NULL AND seen_b IS NULL THEN a
                WHEN NOT handles_a AND NOT handles_b AND seen_b IS NOT NULL AND seen_a IS NULL THEN b
                WHEN seen_a IS NOT NULL AND seen_b IS NOT NULL AND NOT (handles_a <> handles_b) THEN
                    CASE WHEN (seen_a, a) <= (seen_b, b) THEN a ELSE b END
                ELSE CASE WHEN (opened_a, a) <= (opened_b, b) THEN a ELSE b END
            END AS side,
            CASE
                WHEN handles_a <> handles_b THEN 'handler'
                WHEN NOT handles_a AND NOT handles_b
                     AND (seen_a IS NULL) <> (seen_b IS NULL) THEN 'opened'
                WHEN seen_a IS NOT NULL AND seen_b IS NOT NULL THEN 'first_opened'
                ELSE 'older_case'
            END AS basis,
            ((handles_a OR seen_a IS NOT NULL) AND (handles_b OR seen_b IS NOT NULL)) AS on_both
        FROM facts
    )
    INSERT INTO wall_claims (pair_id, user_id, case_id, basis, both_sides, at)
    SELECT pid, uid, side, basis, on_both, localtimestamp FROM sides
    ON CONFLICT DO NOTHING
$$;

-- Whether a row version whose xmin is `x` was written by this transaction or one
-- of its subtransactions (a savepoint gives its rows an xid of their own): such a
-- transaction is still in progress, and a visible row written by another one that
-- is in progress cannot exist. The 32-bit xid is placed in the epoch of this
-- transaction's (the nearest, across a wraparound); an xid too old for the commit
-- log (NULL) was committed long ago.
CREATE OR REPLACE FUNCTION ikodesk_written_here(x xid) RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    top xid8 := pg_current_xact_id_if_assigned();
    cur bigint;
    cand bigint;
BEGIN
    IF top IS NULL THEN
        RETURN false;  -- this transaction has written nothing (a savepoint's rows give it an id)
    END IF;
    cur := top::text::bigint;
    cand := ((cur >> 32) << 32) + x::text::bigint;
    IF cand > cur + 2147483648 THEN
        cand := cand - 4294967296;
    ELSIF cand < cur - 2147483648 THEN
        cand := cand + 4294967296;
    END IF;
    IF cand < 3 OR cand > cur + 2147483648 THEN
        RETURN false;  -- (a frozen or special xid: committed)
    END IF;
    RETURN coalesce(pg_xact_status(cand::text::xid8) = 'in progress', false);
END
$$;

-- Whether row `row_id` of `tbl` (cases or mediations) was inserted by this very
-- transaction (its xmin is this transaction's id): what an import may still
-- add to or detect for, although its administrator cannot read it.
CREATE OR REPLACE FUNCTION ikodesk_created_here(tbl text, row_id integer) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    found boolean;
BEGIN
    IF tbl NOT IN ('cases', 'mediations') THEN
        RAISE EXCEPTION 'ikodesk: % is not a dossier table', tbl USING ERRCODE = 'IK003';
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT FROM %I WHERE id = $1 '
                   'AND ikodesk_written_here(xmin))', tbl)
        INTO found USING row_id;
    RETURN found;
END
$$;

CREATE OR REPLACE FUNCTION ikodesk_detect(p_case integer, p_profile jsonb, p_keys jsonb)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    cand record;
    a integer;
    b integer;
    pa jsonb;
    pb jsonb;
    verdict jsonb;
    pid integer;
    st text;
    new_walls integer[] := '{}';
    outcome jsonb := '[]';
BEGIN
    -- The case must be one the login works on, or, for an administrator, one its
    -- import created in this very transaction (ikodesk_import_load): an
    -- administrator reads no dossier, so the import hands in the profile it
    -- computed from the file. Never another case: handing in an empty or false
    -- profile for a stored case would take that case out of the matching.
    IF p_case NOT IN (SELECT r.id FROM ikodesk_readable_cases() AS r(id))
       AND NOT (ikodesk_me_role() = 'admin' AND ikodesk_created_here('cases', p_case)) THEN
        RAISE EXCEPTION 'ikodesk: not a case this login works on' USING ERRCODE = 'IK003';
    END IF;
    -- And only with the case: its profile is replaced by the transaction that writes
    -- the case or its people (a save does both). A colleague who merely opened a
    -- case could otherwise hand in an empty profile and take it out of the
    -- matching, so that the other parent's next case would find no wall (red team).
    IF ikodesk_me_role() IS DISTINCT FROM 'admin' AND NOT (
           ikodesk_written_here((SELECT c.xmin FROM cases c WHERE c.id = p_case))
           OR EXISTS (SELECT FROM persons p
                      WHERE p.case_id = p_case AND ikodesk_written_here(p.xmin))
           OR EXISTS (SELECT FROM children ch
                      WHERE ch.case_id = p_case AND ikodesk_written_here(ch.xmin))) THEN
        RAISE EXCEPTION 'ikodesk: a case is matched again only when it is saved'
            USING ERRCODE = 'IK003';
    END IF;
    DELETE FROM match_keys WHERE case_id = p_case;
    DELETE FROM match_profiles WHERE case_id = p_case;
    IF p_profile IS NULL THEN
        IF ikodesk_me_role() IS DISTINCT FROM 'admin' THEN
            RAISE LOG 'ikodesk_detect: login %, case %: no profile', session_user, p_case;
        END IF;
        RETURN outcome;
    END IF;
    IF NOT ikodesk_fm_profile_ok(p_profile) THEN
        RAISE EXCEPTION 'ikodesk: a profile holds what one case can: one name, phone number and e-mail address per person, at most 20 children, each with its day or age'
            USING ERRCODE = 'IK003';
    END IF;
    -- One detection at a time, until the transaction ends: the next one (another
    -- desk, another import) then sees this one's cases, so two cases of one
    -- family written at the same moment still find each other. (Under READ
    -- COMMITTED every statement below takes a new snapshot, after the lock.)
    PERFORM pg_advisory_xact_lock(7311, 3);
    INSERT INTO match_profiles (case_id, profile) VALUES (p_case, p_profile);
    INSERT INTO match_keys (case_id, entity, key, undated)
    SELECT p_case, (k ->> 0)::integer, left(k ->> 1, 80), (k ->> 2)::boolean
    FROM jsonb_array_elements(coalesce(p_keys, '[]')) AS k
    ON CONFLICT DO NOTHING;
    FOR cand IN
        -- Date keys: one shared key is enough.
        SELECT DISTINCT k2.case_id AS other FROM match_keys k1
        JOIN match_keys k2 ON k2.key = k1.key AND k2.case_id <> k1.case_id
        WHERE k1.case_id = p_case AND k1.key >= 'd' AND k1.key < 'e'
        UNION
        -- Name keys of people without a birth date: two shared people on each side.
        SELECT other FROM (
            SELECT k2.case_id AS other, k1.entity AS ea, k2.entity AS eb FROM match_keys k1
            JOIN match_keys k2 ON k2.key = k1.key AND k2.case_id <> k1.case_id
            WHERE k1.case_id = p_case AND k1.key >= 'n' AND k1.key < 'o'
              AND (k1.undated OR k2.undated)
        ) x GROUP BY other HAVING count(DISTINCT ea) >= 2 AND count(DISTINCT eb) >= 2
    LOOP
        a := least(p_case, cand.other);
        b := greatest(p_case, cand.other);
        SELECT id, status INTO pid, st FROM conflict_pairs WHERE case_a_id = a AND case_b_id = b;
        IF NOT FOUND THEN
            pid := NULL;
            st := NULL;
        END IF;
        CONTINUE WHEN st = 'conflict';
        SELECT profile INTO pa FROM match_profiles WHERE case_id = a;
        SELECT profile INTO pb FROM match_profiles WHERE case_id = b;
        CONTINUE WHEN pa IS NULL OR pb IS NULL;
        verdict := ikodesk_fm_compare(pa, pb);
        CONTINUE WHEN verdict IS NULL;
        IF verdict ->> 'status' = 'conflict' THEN
            IF pid IS NULL THEN
                INSERT INTO conflict_pairs (case_a_id, case_b_id, status, score, reason, detected)
                VALUES (a, b, 'conflict', (verdict ->> 'score')::integer, verdict ->> 'reason',
                        localtimestamp)
                RETURNING id INTO pid;
            ELSE
                UPDATE conflict_pairs SET status = 'conflict', score = (verdict ->> 'score')::integer,
                    reason = verdict ->> 'reason', detected = localtimestamp WHERE id = pid;
            END IF;
            new_walls := new_walls || pid;
            outcome := outcome || jsonb_build_array(jsonb_build_array(a, b, 'conflict'));
        ELSIF st IS NULL THEN
            INSERT INTO conflict_pairs (case_a_id, case_b_id, status, score, reason, detected)
            VALUES (a, b, 'review', (verdict ->> 'score')::integer, verdict ->> 'reason',
                    localtimestamp)
            RETURNING id INTO pid;
            new_walls := new_walls || pid;
            outcome := outcome || jsonb_build_array(jsonb_build_array(a, b, 'review'));
        ELSIF st = 'review' THEN
            UPDATE conflict_pairs SET score = (verdict ->> 'score')::integer,
                reason = verdict ->> 'reason', detected = localtimestamp WHERE id = pid;
            outcome := outcome || jsonb_build_array(jsonb_build_array(a, b, 'review'));
        END IF;
    END LOOP;
    -- In the server's log as well, which a rollback cannot undo: a login that probes
    -- with made-up profiles and rolls back leaves this trace (an import does not
    -- write a line per case).
    IF ikodesk_me_role() IS DISTINCT FROM 'admin' THEN
        RAISE LOG 'ikodesk_detect: login %, case %: % new pair(s)',
            session_user, p_case, cardinality(new_walls);
    END IF;
    IF cardinality(new_walls) > 0 THEN
        PERFORM ikodesk_put_users_on_sides(new_walls);
        -- Recorded by the server: a login that probes with made-up profiles and
        -- commits leaves a trace (and is walled off every case its probe matched).
        INSERT INTO audit_log (workstation, action, object_type, object_ref, result, detail)
        SELECT 'server', 'conflicts.scan', 'case', c.ref, 'allowed',
               cardinality(new_walls) || ' nieuwe (mogelijke) conflictparen'
        FROM cases c WHERE c.id = p_case;
    END IF;
    RETURN outcome;
END
$$;

GRANT EXECUTE ON FUNCTION ikodesk_detect(integer, jsonb, jsonb)
    TO ikodesk_student, ikodesk_jurist, ikodesk_admin;

-- Many cases in one call (an import): [[case_id, profile, keys], ...], each
-- through ikodesk_detect with its checks; the outcomes of all of them.
CREATE OR REPLACE FUNCTION ikodesk_detect_many(p_cases jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    one jsonb;
    outcome jsonb := '[]';
BEGIN
    IF jsonb_typeof(p_cases) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'ikodesk: a JSON array of cases is needed' USING ERRCODE = 'IK003';
    END IF;
    FOR one IN SELECT value FROM jsonb_array_elements(p_cases) LOOP
        outcome := outcome || coalesce(ikodesk_detect((one ->> 0)::integer,
                                                      nullif(one -> 1, 'null'::jsonb),
                                                      coalesce(one -> 2, '[]')), '[]');
    END LOOP;
    RETURN outcome;
END
$$;

GRANT EXECUTE ON FUNCTION ikodesk_detect_many(jsonb)
    TO ikodesk_student, ikodesk_jurist, ikodesk_admin;

-- While a case is typed (services/conflicts/typing.py): is this a family the
-- office already knows? The typist's login cannot read the other cases, so the
-- server finds the candidates (the match keys, as ikodesk_detect), compares
-- (ikodesk_fm_compare) and answers only what the form may say: 'other_side'
-- with the usernames that may not handle the typed case (handlers, openers and
-- claimants of the matched cases: "a match exists, with case X's handler"),
-- 'same_person' with the id and reference of the person's case only when the
-- typist may open it (the rule of ikodesk_claim), or 'none'. Nothing is written
-- but the audit entry, which the server makes itself with the reference found,
-- so that an administrator sees who asked about which family, and a line in the
-- server's log, which a rollback cannot take back (a login probing from psql
-- undoes its audit entries with its transaction, not that line). A person in the
-- profile carries one phone number and one e-mail address at most.
-- The profile must be whole (a requesting parent with a full first and last name
-- and a dated, first-named child or their own birth date): fragments get no
-- answer, here as in the form, so the function cannot spell out a family.
CREATE OR REPLACE FUNCTION ikodesk_family_check(p_profile jsonb, p_keys jsonb, p_case integer,
                                                p_where text)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me_id integer := ikodesk_me_id();
    me_role text := ikodesk_me_role();
    req jsonb := p_profile -> 'requester';
    cand record;
    theirs jsonb;
    walling integer[] := '{}';
    same integer[] := '{}';
    person text;
    names text[];
    excluded boolean;
    found_ref text;
    open_id integer;
    open_ref text;
BEGIN
    IF me_id IS NULL OR me_role NOT IN ('jurist', 'student') THEN
        RAISE EXCEPTION 'ikodesk: this role registers no cases' USING ERRCODE = 'IK003';
    END IF;
    IF jsonb_typeof(p_profile) IS DISTINCT FROM 'object'
       OR jsonb_typeof(req) IS DISTINCT FROM 'object'
       OR jsonb_typeof(p_keys) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'ikodesk: a profile and its keys are needed' USING ERRCODE = 'IK003';
    END IF;
    IF NOT ikodesk_fm_profile_ok(p_profile) THEN
        RAISE EXCEPTION 'ikodesk: a profile holds what one case can: one name, phone number and e-mail address per person, at most 20 children, each with its day or age'
            USING ERRCODE = 'IK003';
    END IF;
    -- Whole names only (two letters at least, as typing.complete_enough).
    IF length(regexp_replace(coalesce(req #>> '{name,first_joined}', ''), '[^[:alpha:]]', '', 'g')) < 2
       OR length(regexp_replace(coalesce(req #>> '{name,last_joined}', ''), '[^[:alpha:]]', '', 'g')) < 2
       OR (req ->> 'birth_date' IS NULL AND NOT EXISTS (
               SELECT FROM jsonb_array_elements(coalesce(p_profile -> 'children', '[]')) ch
               WHERE ch ->> 'birth_date' IS NOT NULL
                 AND length(regexp_replace(coalesce(ch #>> '{name,first_joined}', ''),
                                           '[^[:alpha:]]', '', 'g')) >= 2)) THEN
        RETURN jsonb_build_object('match', 'none');
    END IF;
    -- The keys only choose the candidates; the answer is the comparison of the
    -- whole profile with each (keys that are not the profile's find nothing more).
    FOR cand IN
        SELECT DISTINCT mk.case_id AS other FROM match_keys mk
        WHERE mk.key IN (SELECT k ->> 1 FROM jsonb_array_elements(p_keys) k
                         WHERE k ->> 1 >= 'd' AND k ->> 1 < 'e')
        UNION
        SELECT other FROM (
            SELECT mk.case_id AS other, (k ->> 0)::integer AS ea, mk.entity AS eb
            FROM jsonb_array_elements(p_keys) k
            JOIN match_keys mk ON mk.key = k ->> 1
            WHERE k ->> 1 >= 'n' AND k ->> 1 < 'o'
        ) x GROUP BY other HAVING count(DISTINCT ea) >= 2 AND count(DISTINCT eb) >= 2
    LOOP
        CONTINUE WHEN cand.other = p_case;
        -- Cases already paired with the case being edited are known walls, not news.
        CONTINUE WHEN p_case IS NOT NULL AND EXISTS (
            SELECT FROM conflict_pairs cp
            WHERE (cp.case_a_id = least(p_case, cand.other)
                   AND cp.case_b_id = greatest(p_case, cand.other)));
        SELECT profile INTO theirs FROM match_profiles WHERE case_id = cand.other;
        CONTINUE WHEN theirs IS NULL;
        IF ikodesk_fm_compare(p_profile, theirs) IS NOT NULL THEN
            walling := walling || cand.other;
            CONTINUE;
        END IF;
        person := ikodesk_fm_compare_persons(req, theirs -> 'requester');
        IF person = 'strong' OR (person IN ('name', 'contact') AND 'date_first' = ANY (
               ikodesk_fm_pair_children(coalesce(p_profile -> 'children', '[]'),
                                        coalesce(theirs -> 'children', '[]')))) THEN
            same := same || cand.other;
        END IF;
    END LOOP;
    IF cardinality(walling) > 0 THEN
        SELECT array_agg(DISTINCT u.username ORDER BY u.username), bool_or(u.id = me_id)
        INTO names, excluded
        FROM users u WHERE u.id IN (
            SELECT handler_id FROM cases WHERE id = ANY (walling)
            UNION SELECT user_id FROM case_openings WHERE case_id = ANY (walling)
            UNION SELECT user_id FROM wall_claims WHERE case_id = ANY (walling));
        SELECT ref INTO found_ref FROM cases WHERE id = (SELECT min(x) FROM unnest(walling) x);
        INSERT INTO audit_log (workstation, action, object_type, object_ref, result, detail)
        VALUES ('server', 'case.family_check', 'case', found_ref, 'allowed',
                'tijdens het typen' || coalesce(p_where, '') || ': mogelijk dezelfde familie');
        RAISE LOG 'ikodesk_family_check: login %: other_side', session_user;
        RETURN jsonb_build_object('match', 'other_side',
                                  'excluded', to_jsonb(coalesce(names, '{}')),
                                  'typist_excluded', coalesce(excluded, false));
    END IF;
    IF cardinality(same) > 0 THEN
        SELECT c.id, c.ref INTO open_id, open_ref FROM cases c
        WHERE c.id = ANY (same)
          AND NOT (me_role = 'student' AND c.line = 2 AND c.handler_id <> me_id)
          AND c.id NOT IN (SELECT ikodesk_walled_for(me_id))
        ORDER BY c.closed IS NOT NULL, c.opened DESC, c.id DESC LIMIT 1;
        SELECT ref INTO found_ref FROM cases WHERE id = (SELECT min(x) FROM unnest(same) x);
        INSERT INTO audit_log (workstation, action, object_type, object_ref, result, detail)
        VALUES ('server', 'case.family_check', 'case', found_ref, 'allowed',
                'tijdens het typen' || coalesce(p_where, '') || ': zelfde persoon heeft al een zaak');
        RAISE LOG 'ikodesk_family_check: login %: same_person', session_user;
        RETURN jsonb_build_object('match', 'same_person', 'case_id', open_id, 'ref', open_ref);
    END IF;
    INSERT INTO audit_log (workstation, action, object_type, object_ref, result, detail)
    VALUES ('server', 'case.family_check', 'case', NULL, 'allowed',
            'tijdens het typen' || coalesce(p_where, '') || ': geen overeenkomst');
    RAISE LOG 'ikodesk_family_check: login %: none', session_user;
    RETURN jsonb_build_object('match', 'none');
END
$$;

GRANT EXECUTE ON FUNCTION ikodesk_family_check(jsonb, jsonb, integer, text)
    TO ikodesk_student, ikodesk_jurist;

-- ---------------------------------------------------------------------------
-- Moving an office onto the server (`ikodesk server migrate`, services.server_move):
-- an administrator loads the rows of an embedded database into a server that
-- holds no cases yet, table by table, as they are (the audit chain included:
-- its entries keep their numbers and hashes, so the old chain stays verifiable
-- and the server's trigger continues it). Refused once the office has cases of
-- its own, and for anyone but an administrator.
-- The start of a move, in the mover's transaction: only on a server without
-- cases and without an audit log of its own, and only once (a finished move is
-- noted). What `server init` recorded (its first administrator: entries of the
-- setup role, who is no ikodesk user) does not count: those entries are set
-- aside here, so that the moved chain keeps its numbers from 1, and recorded
-- again after it by ikodesk_migrate_finish, as they were (who, when, what).
CREATE OR REPLACE FUNCTION ikodesk_migrate_begin() RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF ikodesk_me_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION 'ikodesk: only an administrator moves an office' USING ERRCODE = 'IK003';
    END IF;
    -- Nobody appends to the log until the move is committed or rolled back.
    LOCK TABLE audit_log IN EXCLUSIVE MODE;
    IF EXISTS (SELECT FROM cases)
       OR EXISTS (SELECT FROM audit_log a WHERE NOT ikodesk_is_setup_entry(a))
       OR EXISTS (SELECT FROM meta WHERE key IN ('migrated_from', 'migration_started')) THEN
        RAISE EXCEPTION 'ikodesk: the office server is not empty' USING ERRCODE = 'IK004';
    END IF;
    INSERT INTO meta (key, value) VALUES ('migration_started', localtimestamp::text);
    INSERT INTO meta (key, value)
    SELECT 'migration_setup_entries', coalesce(jsonb_agg(to_jsonb(a) ORDER BY a.id), '[]')::text
    FROM audit_log a;
    ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_delete;
    DELETE FROM audit_log a WHERE ikodesk_is_setup_entry(a);
    ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_delete;
    DELETE FROM meta WHERE key = 'audit_head';
END
$$;

-- An entry `server init` wrote: by the role that set the server up (no ikodesk
-- login, so no user id), about the first administrator's login.
CREATE OR REPLACE FUNCTION ikodesk_is_setup_entry(e audit_log) RETURNS boolean
LANGUAGE sql IMMUTABLE SET search_path = public, pg_temp AS $$
    SELECT e.user_id IS NULL AND e.action = 'user.manage' AND e.object_type = 'user'
$$;
-- (services.server_move asks it too before a move starts.)
GRANT EXECUTE ON FUNCTION ikodesk_is_setup_entry(audit_log) TO ikodesk_admin;

CREATE OR REPLACE FUNCTION ikodesk_migrate_load(tbl text, rows jsonb) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    sets text;
    n integer;
BEGIN
    IF ikodesk_me_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION 'ikodesk: only an administrator moves an office' USING ERRCODE = 'IK003';
    END IF;
    IF NOT EXISTS (SELECT FROM meta WHERE key = 'migration_started')
       OR EXISTS (SELECT FROM meta WHERE key = 'migrated_from') THEN
        RAISE EXCEPTION 'ikodesk: no move under way (ikodesk_migrate_begin)' USING ERRCODE = 'IK003';
    END IF;
    IF tbl NOT IN ('countries', 'mediators', 'cases', 'case_notes', 'persons', 'children',
                   'contacts', 'conflict_pairs', 'wall_claims', 'case_openings', 'match_keys',
                   'match_profiles', 'mediations', 'mediation_parents', 'mediation_children',
                   'child_interviews', 'mediation_mediators', 'activities', 'historical_figures',
                   'historical_figure_versions', 'report_texts', 'audit_log',
                   'audit_search_terms', 'retention_periods', 'legal_holds',
                   'destruction_runs', 'anonymised_cases', 'anonymised_mediations',
                   'access_requests') THEN
        RAISE EXCEPTION 'ikodesk: % is not moved this way', tbl USING ERRCODE = 'IK003';
    END IF;
    -- The rows are copied as they are: no claims for the mover, no new chain.
    ALTER TABLE cases DISABLE TRIGGER cases_written;
    ALTER TABLE audit_log DISABLE TRIGGER audit_log_chain;
    IF tbl = 'countries' THEN
        -- The office's own reference data wins, every column of it (an administrator's
        -- corrections, the Dutch acceptance of an accession, the source notes).
        SELECT string_agg(format('%I = excluded.%I', a.attname, a.attname), ', ')
        INTO sets FROM pg_attribute a
        WHERE a.attrelid = 'countries'::regclass AND a.attnum > 0 AND NOT a.attisdropped
          AND a.attname <> 'iso2';
        EXECUTE format('INSERT INTO %I SELECT * FROM jsonb_populate_recordset(NULL::%I, $1) '
                       'ON CONFLICT (iso2) DO UPDATE SET %s', tbl, tbl, sets) USING rows;
    ELSE
        EXECUTE format('INSERT INTO %I SELECT * FROM jsonb_populate_recordset(NULL::%I, $1)',
                       tbl, tbl) USING rows;
    END IF;
    GET DIAGNOSTICS n = ROW_COUNT;
    ALTER TABLE cases ENABLE TRIGGER cases_written;
    ALTER TABLE audit_log ENABLE TRIGGER audit_log_chain;
    RETURN n;
END
$$;

-- The planner's statistics of every ikodesk table, now: after a bulk write (an
-- office moved onto the server, a large import) the tables have none until
-- autovacuum comes by, and without them PostgreSQL guessed its way into reading
-- every requester to count one year's (36 ms instead of 2 on a small office; the
-- figures of the move's own comparison the same). ANALYZE is the owner's; the
-- application's logins reach it only through this function, which takes no
-- argument. Within the caller's transaction it counts that transaction's rows.
CREATE OR REPLACE FUNCTION ikodesk_analyze() RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    t text;
BEGIN
    IF ikodesk_me_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION 'ikodesk: only an administrator asks for this' USING ERRCODE = 'IK003';
    END IF;
    FOR t IN
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
          AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = 'ikodesk_owner')
        ORDER BY 1
    LOOP
        EXECUTE format('ANALYZE public.%I', t);
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION ikodesk_analyze() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ikodesk_analyze() TO ikodesk_admin;

-- The end of a move: sequences after the copied ids, the audit chain's head,
-- the search-terms key of the old database (its references stay checkable),
-- a note that this server now holds a moved office, and fresh statistics.
CREATE OR REPLACE FUNCTION ikodesk_migrate_finish(source_id text, terms_key text)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    t text;
    head text;
    e audit_log;
BEGIN
    IF ikodesk_me_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION 'ikodesk: only an administrator moves an office' USING ERRCODE = 'IK003';
    END IF;
    FOREACH t IN ARRAY ARRAY['users', 'mediators', 'cases', 'persons', 'children', 'contacts',
                             'conflict_pairs', 'mediations', 'mediation_parents',
                             'mediation_children', 'child_interviews', 'activities',
                             'historical_figure_versions', 'audit_search_terms',
                             'destruction_runs', 'access_requests'] LOOP
        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), '
                       'greatest((SELECT max(id) FROM %I), 1))', t, t);
    END LOOP;
    INSERT INTO meta (key, value)
    SELECT 'audit_head', coalesce(
        (SELECT a.id || ' ' || a.hash FROM audit_log a ORDER BY a.id DESC LIMIT 1),
        '0 ' || repeat('0', 64))
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
    -- What `server init` recorded follows the moved chain, unchanged but for its
    -- number and hash (ikodesk_migrate_begin set it aside).
    SELECT value INTO head FROM meta WHERE key = 'audit_head';
    ALTER TABLE audit_log DISABLE TRIGGER audit_log_chain;
    FOR e IN
        SELECT * FROM jsonb_populate_recordset(NULL::audit_log,
            coalesce((SELECT value FROM meta WHERE key = 'migration_setup_entries'), '[]')::jsonb)
        ORDER BY id
    LOOP
        e.id := split_part(head, ' ', 1)::bigint + 1;
        e.hash := ikodesk_audit_hash(split_part(head, ' ', 2), e);
        INSERT INTO audit_log SELECT (e).*;
        head := e.id || ' ' || e.hash;
    END LOOP;
    ALTER TABLE audit_log ENABLE TRIGGER audit_log_chain;
    UPDATE meta SET value = head WHERE key = 'audit_head';
    DELETE FROM meta WHERE key = 'migration_setup_entries';
    IF terms_key IS NOT NULL THEN
        UPDATE meta SET value = terms_key WHERE key = 'search_terms_key';
    END IF;
    IF NOT EXISTS (SELECT FROM meta WHERE key = 'migration_started') THEN
        RAISE EXCEPTION 'ikodesk: no move under way' USING ERRCODE = 'IK003';
    END IF;
    DELETE FROM meta WHERE key = 'migration_started';
    INSERT INTO meta (key, value) VALUES ('migrated_from', source_id);
    PERFORM ikodesk_analyze();
END
$$;

GRANT EXECUTE ON FUNCTION ikodesk_migrate_begin(), ikodesk_migrate_load(text, jsonb),
    ikodesk_migrate_finish(text, text) TO ikodesk_admin;

-- ---------------------------------------------------------------------------
-- Importing an exchange file into a working office server (`ikodesk import`,
-- services.exchange.server_writing). An administrator can neither read nor
-- write dossiers; the import writes new ones through this function, which
-- guards what it writes:
--   * administrators only (IK003);
--   * the tables of a case or a mediation dossier only (and the centre's
--     activities, written as the other rows are): never the audit log, the
--     walls, the openings, the conflict pairs or the matching index, which the
--     server writes itself (triggers, ikodesk_detect);
--   * new rows only: plain INSERTs (an existing reference fails on its unique
--     index) whose ids come from the tables' sequences (a row with an `id` is
--     refused), so that imports at the same time never collide;
--   * the people, children, notes and contact moments of a case only for a case
--     inserted by this very transaction, the parties, children, interviews and
--     mediators of a mediation only for a mediation inserted by it: an import
--     cannot add to a dossier it cannot read;
--   * the triggers fire as for any insert: a handler walled from the case is
--     refused (IK002), the handler stands on the case's side (cases_written).
-- Returns the number of rows written. The administrator reads the new ids back
-- by reference (cases and mediations: columns it may read).
CREATE OR REPLACE FUNCTION ikodesk_import_load(tbl text, rows jsonb) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    n integer;
    cols text;
    bad text;
    parent text;
    parent_key text;
    orphan boolean;
BEGIN
    IF ikodesk_me_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION 'ikodesk: only an administrator imports' USING ERRCODE = 'IK003';
    END IF;
    IF tbl IS NULL OR tbl NOT IN ('cases', 'case_notes', 'persons', 'children', 'contacts',
                                  'mediations', 'mediation_parents', 'mediation_children',
                                  'child_interviews', 'mediation_mediators', 'activities') THEN
        RAISE EXCEPTION 'ikodesk: % is not imported this way', tbl USING ERRCODE = 'IK003';
    END IF;
    IF jsonb_typeof(rows) IS DISTINCT FROM 'array'
       OR EXISTS (SELECT FROM jsonb_array_elements(rows) r WHERE jsonb_typeof(r) <> 'object') THEN
        RAISE EXCEPTION 'ikodesk: rows must be a JSON array of objects' USING ERRCODE = 'IK003';
    END IF;
    IF jsonb_array_length(rows) = 0 THEN
        RETURN 0;
    END IF;
    -- Columns of the table only; the ids are the sequences'.
    SELECT string_agg(DISTINCT k, ', ') INTO bad
    FROM jsonb_array_elements(rows) r, jsonb_object_keys(r) k
    WHERE k = 'id' OR NOT EXISTS (
        SELECT FROM pg_attribute a
        WHERE a.attrelid = tbl::regclass AND a.attname = k AND a.attnum > 0
          AND NOT a.attisdropped);
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'ikodesk: not imported into %: %', tbl, bad USING ERRCODE = 'IK003';
    END IF;
    IF tbl IN ('case_notes', 'persons', 'children', 'contacts') THEN
        parent := 'cases';
        parent_key := 'case_id';
    ELSIF tbl IN ('mediation_parents', 'mediation_children', 'child_interviews',
                  'mediation_mediators') THEN
        parent := 'mediations';
        parent_key := 'mediation_id';
    END IF;
    IF parent IS NOT NULL THEN
        -- Every parent named, once: inserted by this transaction (as ikodesk_created_here;
        -- compared with the top transaction's id only, cheap for every row of an import
        -- and refusing rather than allowing what a savepoint wrote).
        EXECUTE format(
            'SELECT EXISTS (SELECT FROM (SELECT DISTINCT (r ->> %L)::integer AS pid '
            'FROM jsonb_array_elements($1) r) x WHERE x.pid IS NULL OR NOT EXISTS ('
            'SELECT FROM %I p WHERE p.id = x.pid '
            'AND p.xmin = pg_current_xact_id_if_assigned()::xid))', parent_key, parent)
        INTO orphan USING rows;
        IF orphan THEN
            RAISE EXCEPTION 'ikodesk: % only for % this import created', tbl, parent
                USING ERRCODE = 'IK003';
        END IF;
    END IF;
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
    FROM pg_attribute a
    WHERE a.attrelid = tbl::regclass AND a.attnum > 0 AND NOT a.attisdropped
      AND EXISTS (SELECT FROM jsonb_array_elements(rows) r WHERE r ? a.attname);
    EXECUTE format('INSERT INTO %I (%s) SELECT %s FROM jsonb_populate_recordset(NULL::%I, $1)',
                   tbl, cols, cols, tbl) USING rows;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

GRANT EXECUTE ON FUNCTION ikodesk_import_load(text, jsonb) TO ikodesk_admin;

-- ---------------------------------------------------------------------------
-- Mediations of the same family, for the mediator assignment warning
-- (services.mediation_family): which of `p_others` share a key with
-- `p_mediation`. The keys are those of the file's family_keys: the linked
-- case; a child (first name, birth date) or a parent (first name, last name,
-- birth date), from a mediation's own people or from the people of its linked
-- case. The bureau's login reads no case's people, so the server compares
-- them and answers only which mediations match. Names are folded by
-- ikodesk_fold (case, diacritics, spacing), as normalise_name folds them.
--
-- A key from a case's people meets a key from a mediation's own people only when
-- both were there before this transaction began (the mediation's link and the
-- person row written earlier, not by this transaction: ikodesk_written_here).
-- Otherwise the bureau could link a throw-away mediation to any case, add
-- thousands of made-up children with one birth date each, ask, and roll back: the
-- answer named the case's children's and parents' birth dates and left no trace
-- (red team, 2026-12-03). Now such probes must be saved first, and a saved
-- mediation stays in the bureau's list (the bureau deletes none: security.sql).
-- Every call is in the server's log too.
CREATE OR REPLACE FUNCTION ikodesk_mediation_same_family(p_mediation integer,
                                                         p_others integer[])
RETURNS SETOF integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF ikodesk_me_role() IS DISTINCT FROM 'mediation' THEN
        RETURN;
    END IF;
    RAISE LOG 'ikodesk_mediation_same_family: login %, mediation %, % others',
        session_user, p_mediation, cardinality(p_others);
    RETURN QUERY
    WITH m AS (
        SELECT id, case_id, NOT ikodesk_written_here(xmin) AS settled FROM mediations
        WHERE id = p_mediation OR id = ANY (p_others)
    ), people AS (
        SELECT m.id, 'own' AS source, NOT ikodesk_written_here(c.xmin) AS settled,
               'child' AS kind, c.first_name, NULL::text AS last_name, c.birth_date
        FROM m JOIN mediation_children c ON c.mediation_id = m.id
        UNION ALL
        SELECT m.id, 'case', m.settled, 'child', c.first_name, NULL, c.birth_date
        FROM m JOIN children c ON c.case_id = m.case_id
        UNION ALL
        SELECT m.id, 'own', NOT ikodesk_written_here(p.xmin), 'parent', p.first_name,
               p.last_name, p.birth_date
        FROM m JOIN mediation_parents p ON p.mediation_id = m.id
        UNION ALL
        SELECT m.id, 'case', m.settled, 'parent', p.first_name, p.last_name, p.birth_date
        FROM m JOIN persons p ON p.case_id = m.case_id AND p.kind = 'parent'
    ), keys AS (
        SELECT id, 'link' AS source, true AS settled,
               jsonb_build_array('case', case_id) AS k
        FROM m WHERE case_id IS NOT NULL
        UNION
        SELECT id, source, settled,
               jsonb_build_array(kind, nullif(ikodesk_fold(first_name), ''),
                                 nullif(ikodesk_fold(last_name), ''), birth_date)
        FROM people
        WHERE birth_date IS NOT NULL AND nullif(ikodesk_fold(first_name), '') IS NOT NULL
          AND (kind = 'child' OR nullif(ikodesk_fold(last_name), '') IS NOT NULL)
    )
    SELECT DISTINCT theirs.id FROM keys own JOIN keys theirs ON theirs.k = own.k
    WHERE own.id = p_mediation AND theirs.id <> p_mediation AND theirs.id = ANY (p_others)
      AND (own.source = theirs.source OR (own.settled AND theirs.settled));
END
$$;

GRANT EXECUTE ON FUNCTION ikodesk_mediation_same_family(integer, integer[]) TO ikodesk_mediation;

-- ---------------------------------------------------------------------------
-- The children's 16th birthdays for the deadlines (services.deadlines.listing,
-- the Art. 4 clock): an administrator lists every case's clocks (references and
-- clocks, never a name) and management counts them, but neither login reads a
-- birth date. The server gives the clock's due date only, and only where the
-- clock runs: an open abduction case with a removal date before the birthday.
-- 29 February turns 28 February in a common year (date + interval clamps, as
-- clocks.add_years does).
-- Management only counts (overdue, within 7 days, within 30, running): a manager's
-- login gets a date standing for the count the clock falls in, never the birthday
-- itself (with it, the child's birth date): the day before p_as_of, p_as_of + 7,
-- p_as_of + 30 or a day after that (services.deadlines.clocks: URGENT_DAYS = 7,
-- SOON_DAYS = 30). Each stand-in still lies after the removal date, as the
-- birthday does, so the clock runs for the client as it does here.
DROP FUNCTION IF EXISTS ikodesk_sixteenth_birthdays(integer[]);
CREATE OR REPLACE FUNCTION ikodesk_sixteenth_birthdays(p_cases integer[], p_as_of date)
RETURNS TABLE (case_id integer, child_position integer, birthday date)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
BEGIN
    -- Management counts the clocks as they stand on the server's day (a day either
    -- way for a workstation in another time zone): on days of its own choosing,
    -- asked again and again, the counts bisected each due date, a 16th birthday,
    -- to the day (red team, 2026-12-03).
    IF ikodesk_me_role() = 'manager'
       AND p_as_of NOT BETWEEN current_date - 1 AND current_date + 1 THEN
        RAISE EXCEPTION 'ikodesk: management counts the clocks of today'
            USING ERRCODE = 'IK003';
    END IF;
    RETURN QUERY
    SELECT b.case_id, b.position,
           CASE WHEN ikodesk_me_role() = 'admin' THEN b.due
                WHEN b.due < p_as_of THEN p_as_of - 1
                WHEN b.due <= p_as_of + 7 THEN p_as_of + 7
                WHEN b.due <= p_as_of + 30 THEN p_as_of + 30
                ELSE greatest(p_as_of + 31, b.removal_date + 1)
           END
    FROM (
        SELECT ch.case_id, ch.position, c.removal_date,
               (ch.birth_date + interval '16 years')::date AS due
        FROM children ch JOIN cases c ON c.id = ch.case_id
        WHERE ikodesk_me_role() IN ('admin', 'manager')
          AND p_as_of IS NOT NULL
          AND ch.case_id = ANY (p_cases)
          AND c.closed IS NULL
          AND c.code IN ('international_abduction', 'family_abduction')
          AND c.removal_date IS NOT NULL
          AND ch.birth_date IS NOT NULL
    ) b
    WHERE b.due > b.removal_date;
END
$$;

GRANT EXECUTE ON FUNCTION ikodesk_sixteenth_birthdays(integer[], date)
    TO ikodesk_admin, ikodesk_manager;

-- Last of the security files: a function made by this run (on a new server none
-- existed when security.sql took every right away) is not everyone's to call;
-- the grants above name who may.
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
