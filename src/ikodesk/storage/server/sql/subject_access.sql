-- Access requests (AVG art. 15, issue #18 point 5) on the office server.
--
-- An administrator reads no personal rows (security.sql), so it can neither
-- search names nor read a requester's data. These functions do that work for
-- it, as the owner, and return only what the request may have:
--
--   ikodesk_subject_candidates(person)   the dossiers in which the typed person
--       appears: reference, kind, role, why; never a name or any other data
--   ikodesk_subject_pack(person, refs, children, received)
--       for the confirmed references, each re-checked here: the typed person's
--       own rows, the case facts, the contact moments' date/channel/party/minutes,
--       only the roles of the others, the children only when ticked; records the
--       request's one-month clock (access_requests) and audits it
--   ikodesk_subject_answered(id)         stops a request's clock
--
-- Who is compared, and how: services/subject_access.py (`_find`) compares the
-- typed name and birth date with every named person of every case and every
-- mediation parent, with the family matcher's compare_persons (no relation, no
-- contact details), and keeps 'strong' and 'name'. The same here, with
-- ikodesk_fm_compare_persons (family_match.sql). The typed person comes from
-- the client as a PERSON (services/family_match/profile_json.py), folded by
-- Python; only its name tokens and its birth date are used, and every other form
-- of its name is rebuilt here from the tokens, so a hand-made PERSON cannot make
-- one name look like two people. The stored people are folded here
-- (ikodesk_sa_fold, the port of names.fold) from the rows themselves, not taken
-- from match_profiles: those exist only for cases whose requester is a parent,
-- and they are written by the client, while the pack must decide from the rows
-- it hands out. The fold needs a UTF-8 database (normalize) with a UTF-8
-- locale (letters of every script count as letters, as in Python's \w);
-- tests/pg/test_server_subject_access.py checks it against Python's.
--
-- Everything is audited by the server (action 'subject.access', as
-- services.access writes it in a file), without the name. Run as
-- ikodesk_owner after retention.sql; idempotent.

SET search_path = public, pg_temp;

-- names.py `PARTICLES`.
CREATE OR REPLACE FUNCTION ikodesk_sa_particles() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY['de', 'van', 'der', 'den', 'het', 't', 'te', 'ten', 'ter', 'op', 'in',
                 'el', 'al', 'la', 'le', 'du', 'da', 'das', 'dos', 'di', 'von', 'zu',
                 'bin', 'ben', 'ibn', 'abu']
$$;

-- names.py `fold`: the special letters, NFKD without combining marks, lower
-- case, every run of non-letters and non-digits one space, trimmed.
CREATE OR REPLACE FUNCTION ikodesk_sa_fold(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    t text := coalesce(value, '');
BEGIN
    IF t = '' THEN
        RETURN '';
    END IF;
    -- services/letters.py `SPECIAL_LETTERS` (by code point: ł Ł ı İ ø Ø đ Đ ð Ð, then
    -- ß æ Æ œ Œ þ Þ).
    t := translate(t, U&'\0142\0141\0131\0130\00f8\00d8\0111\0110\00f0\00d0',
                   'lliioodddd');
    t := replace(replace(replace(replace(replace(replace(replace(t,
            U&'\00df', 'ss'), U&'\00e6', 'ae'), U&'\00c6', 'ae'), U&'\0153', 'oe'),
            U&'\0152', 'oe'), U&'\00fe', 'th'), U&'\00de', 'th');
    t := normalize(t, NFKD);
    t := regexp_replace(t, '[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f'
                           '\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]', '', 'g');
    t := lower(t);
    RETURN btrim(regexp_replace(t, '[^[:alnum:]]+', ' ', 'g'));
END
$$;

-- `fold(text).split()`.
CREATE OR REPLACE FUNCTION ikodesk_sa_tokens(value text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN coalesce(string_to_array(nullif(ikodesk_sa_fold(value), ''), ' '), '{}');
END
$$;

-- profile_json.py `name_to_json` of the folded tokens: every form rapidfuzz
-- compares, sorted by code point (COLLATE "C" on UTF-8 is code point order).
-- PL/pgSQL, not SQL: its plans are kept between calls (it runs once per person).
CREATE OR REPLACE FUNCTION ikodesk_sa_name(first text[], last text[]) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    particles CONSTANT text[] := ikodesk_sa_particles();
    first_core text[] := ARRAY(SELECT t FROM unnest(first) t WHERE t <> ALL (particles));
    last_core text[] := ARRAY(SELECT t FROM unnest(last) t WHERE t <> ALL (particles));
BEGIN
    IF cardinality(first_core) = 0 THEN
        first_core := first;
    END IF;
    IF cardinality(last_core) = 0 THEN
        last_core := last;
    END IF;
    RETURN jsonb_build_object(
        'first', to_jsonb(first),
        'last', to_jsonb(last),
        'first_joined', array_to_string(first, ''),
        'last_joined', array_to_string(last, ''),
        'first_sorted', array_to_string(
            ARRAY(SELECT t FROM unnest(first) t ORDER BY t COLLATE "C"), ' '),
        'last_sorted', array_to_string(
            ARRAY(SELECT t FROM unnest(last) t ORDER BY t COLLATE "C"), ' '),
        'whole_sorted', array_to_string(
            ARRAY(SELECT t FROM unnest(first || last) t ORDER BY t COLLATE "C"), ' '),
        'first_set', to_jsonb(ARRAY(SELECT DISTINCT t COLLATE "C" FROM unnest(first) t ORDER BY 1)),
        'last_set', to_jsonb(ARRAY(SELECT DISTINCT t COLLATE "C" FROM unnest(last) t ORDER BY 1)),
        'first_core_set', to_jsonb(
            ARRAY(SELECT DISTINCT t COLLATE "C" FROM unnest(first_core) t ORDER BY 1)),
        'last_core_set', to_jsonb(
            ARRAY(SELECT DISTINCT t COLLATE "C" FROM unnest(last_core) t ORDER BY 1)));
END
$$;

-- A stored person as the PERSON compare_persons takes (`_fits`: no relation, no contact).
CREATE OR REPLACE FUNCTION ikodesk_sa_person(first text, last text, born date) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN jsonb_build_object(
        'name', ikodesk_sa_name(ikodesk_sa_tokens(first), ikodesk_sa_tokens(last)),
        'birth_date', to_char(born, 'YYYY-MM-DD'),
        'relation', NULL, 'side', NULL, 'side_group', NULL, 'contact', '[]'::jsonb);
END
$$;

-- The typed person, rebuilt from its name tokens and birth date only; NULL
-- unless the name is whole (two letters or more in both the first and the last
-- name, as ikodesk_family_check asks): fragments find nothing.
CREATE OR REPLACE FUNCTION ikodesk_sa_wanted(p_person jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    first text[];
    last text[];
    born date;
BEGIN
    IF jsonb_typeof(p_person) IS DISTINCT FROM 'object'
       OR jsonb_typeof(p_person -> 'name') IS DISTINCT FROM 'object'
       OR jsonb_typeof(p_person #> '{name,first}') IS DISTINCT FROM 'array'
       OR jsonb_typeof(p_person #> '{name,last}') IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'ikodesk: a person (name and birth date) is needed' USING ERRCODE = 'IK003';
    END IF;
    -- Folded again: Python's tokens are folded already (folding is idempotent), a
    -- token with spaces or capitals made by hand is not.
    first := ikodesk_sa_tokens(
        (SELECT string_agg(t, ' ') FROM jsonb_array_elements_text(p_person #> '{name,first}') t));
    last := ikodesk_sa_tokens(
        (SELECT string_agg(t, ' ') FROM jsonb_array_elements_text(p_person #> '{name,last}') t));
    IF length(regexp_replace(array_to_string(first, ''), '[^[:alpha:]]', '', 'g')) < 2
       OR length(regexp_replace(array_to_string(last, ''), '[^[:alpha:]]', '', 'g')) < 2 THEN
        RETURN NULL;
    END IF;
    -- One person's name, not a list: a stored name matches a typed one that holds
    -- all its tokens, so 15 first names and 10 surnames found every parent of the
    -- office (red team, round four).
    IF cardinality(first) > 4 OR cardinality(last) > 6 THEN
        RAISE EXCEPTION 'ikodesk: one person''s name (at most 4 first names and 6 surname words)'
            USING ERRCODE = 'IK003';
    END IF;
    born := (p_person ->> 'birth_date')::date;
    RETURN jsonb_build_object(
        'name', ikodesk_sa_name(first, last),
        'birth_date', to_char(born, 'YYYY-MM-DD'),
        'relation', NULL, 'side', NULL, 'side_group', NULL, 'contact', '[]'::jsonb);
END
$$;

-- Whether a stored person is the wanted one: 'strong' (same name and birth
-- date) or 'name' (same name, a birth date missing on either side), else NULL
-- (subject_access.FOUND). People without a surname are never found.
CREATE OR REPLACE FUNCTION ikodesk_sa_match(wanted jsonb, first text, last text, born date)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    verdict text;
BEGIN
    IF wanted IS NULL OR nullif(last, '') IS NULL THEN
        RETURN NULL;
    END IF;
    -- Two birth dates that differ are 'different' whatever the names: not compared.
    IF born IS NOT NULL AND wanted ->> 'birth_date' IS NOT NULL
       AND wanted ->> 'birth_date' <> to_char(born, 'YYYY-MM-DD') THEN
        RETURN NULL;
    END IF;
    verdict := ikodesk_fm_compare_persons(wanted, ikodesk_sa_person(first, last, born));
    RETURN CASE WHEN verdict IN ('strong', 'name') THEN verdict END;
END
$$;

-- Every person in the office that is the wanted one (the server's `_find`), in
-- the order the client lists them: cases, then mediations, each by reference.
CREATE OR REPLACE FUNCTION ikodesk_sa_found(wanted jsonb)
RETURNS TABLE (ref text, kind text, role text, match text)
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT x.ref, x.kind, x.role, x.m FROM (
        SELECT 0 AS k, c.ref::text AS ref, 'case'::text AS kind, p.role::text AS role,
               ikodesk_sa_match(wanted, p.first_name, p.last_name, p.birth_date) AS m,
               0 AS pos, p.id
        FROM persons p JOIN cases c ON c.id = p.case_id
        WHERE p.last_name IS NOT NULL
        UNION ALL
        SELECT 1, m.ref::text, 'mediation'::text, 'mediation_parent'::text,
               ikodesk_sa_match(wanted, mp.first_name, mp.last_name, mp.birth_date),
               mp.position, mp.id
        FROM mediation_parents mp JOIN mediations m ON m.id = mp.mediation_id
        WHERE mp.last_name IS NOT NULL
    ) x
    WHERE wanted IS NOT NULL AND x.m IS NOT NULL
    ORDER BY x.k, x.ref COLLATE "C", x.role COLLATE "C", x.pos, x.id
$$;

-- The dossiers in which the typed person appears: references, kind, role and
-- the matcher's reason ('strong' | 'name'), nothing of anyone. Administrators
-- only; audited with how many were found, never the name.
CREATE OR REPLACE FUNCTION ikodesk_subject_candidates(p_person jsonb)
RETURNS TABLE (ref text, kind text, role text, match text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    wanted jsonb;
    n integer;
BEGIN
    IF ikodesk_me_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION 'ikodesk: only an administrator handles access requests'
            USING ERRCODE = 'IK003';
    END IF;
    wanted := ikodesk_sa_wanted(p_person);
    RETURN QUERY SELECT f.ref, f.kind, f.role, f.match FROM ikodesk_sa_found(wanted) f;
    GET DIAGNOSTICS n = ROW_COUNT;
    -- Also in the server's log, which a rollback does not take back (no name).
    RAISE LOG 'ikodesk_subject_candidates: login %: % found', session_user, n;
    INSERT INTO audit_log (workstation, action, object_type, object_ref, result, detail)
    VALUES ('server', 'subject.access', 'subject_access', NULL, 'allowed',
            'dossiers gezocht' || CASE WHEN wanted IS NULL THEN ' (geen volledige naam)' ELSE '' END
            || '; ' || n || ' gevonden');
END
$$;

-- The pack's contents for the confirmed dossiers, each one re-checked: the
-- typed person must be in it (IK005 with the reference, else). Per case the
-- facts, the person's own rows, only the role and kind of everyone else, the
-- children's names and birth dates only when p_children (else how many), the
-- contact moments' date, channel, party and minutes (no text); per mediation
-- its dates, status and outcome, the person's own rows, how many other parents,
-- the children as for a case. Records the request's clock and audits it.
CREATE OR REPLACE FUNCTION ikodesk_subject_pack(p_person jsonb, p_refs text[], p_children boolean,
                                                p_received date)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    wanted jsonb;
    refs text[];
    r text;
    due date;
    cases_part jsonb;
    mediations_part jsonb;
    request_id integer;
    matched bigint;
BEGIN
    IF ikodesk_me_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION 'ikodesk: only an administrator handles access requests'
            USING ERRCODE = 'IK003';
    END IF;
    -- In the server's log before anything is read: a pack made and rolled back takes
    -- its audit entry and request back with it, not this line (no name).
    RAISE LOG 'ikodesk_subject_pack: login %: % dossier(s), children %',
        session_user, cardinality(p_refs), CASE WHEN p_children THEN 'named' ELSE 'counted' END;
    IF p_received IS NULL OR p_children IS NULL THEN
        RAISE EXCEPTION 'ikodesk: the date received and the children choice are needed'
            USING ERRCODE = 'IK003';
    END IF;
    wanted := ikodesk_sa_wanted(p_person);
    -- The references once each, in the order given (as the client's dict.fromkeys).
    SELECT coalesce(array_agg(x.t ORDER BY x.n), '{}') INTO refs FROM (
        SELECT btrim(t) AS t, min(n) AS n FROM unnest(p_refs) WITH ORDINALITY u(t, n)
        WHERE nullif(btrim(t), '') IS NOT NULL GROUP BY btrim(t)
    ) x;
    IF cardinality(refs) = 0 THEN
        RAISE EXCEPTION 'ikodesk: no dossier confirmed' USING ERRCODE = 'IK003';
    END IF;
    FOREACH r IN ARRAY refs LOOP
        -- The typed person must be in each dossier, and once: when two of its people
        -- match, the name is a list of names or a family of namesakes, and the pack
        -- would hand over the other one's data as the requester's own.
        SELECT (SELECT count(*) FROM persons p JOIN cases c ON c.id = p.case_id
                WHERE c.ref = r
                  AND ikodesk_sa_match(wanted, p.first_name, p.last_name, p.birth_date)
                      IS NOT NULL)
               + (SELECT count(*) FROM mediation_parents mp
                  JOIN mediations m ON m.id = mp.mediation_id
                  WHERE m.ref = r
                    AND ikodesk_sa_match(wanted, mp.first_name, mp.last_name, mp.birth_date)
                        IS NOT NULL)
        INTO matched;
        IF matched = 0 THEN
            RAISE EXCEPTION 'ikodesk: not a dossier of this person'
                USING ERRCODE = 'IK005', DETAIL = r;
        ELSIF matched > 1 THEN
            RAISE EXCEPTION 'ikodesk: more than one person of this dossier matches'
                USING ERRCODE = 'IK005', DETAIL = r;
        END IF;
    END LOOP;
    due := (p_received + interval '1 month')::date;

    SELECT coalesce(jsonb_agg(d ORDER BY d ->> 'ref' COLLATE "C"), '[]') INTO cases_part FROM (
        SELECT jsonb_build_object(
            'kind', 'case', 'ref', c.ref, 'line', c.line, 'code', c.code,
            'opened', to_char(c.opened, 'YYYY-MM-DD'), 'closed', to_char(c.closed, 'YYYY-MM-DD'),
            'country', c.country,
            'own', coalesce((
                SELECT jsonb_agg(jsonb_build_object(
                    'role', p.role, 'kind', p.kind, 'relation', p.relation, 'side', p.side,
                    'first_name', p.first_name, 'last_name', p.last_name,
                    'birth_date', to_char(p.birth_date, 'YYYY-MM-DD'),
                    'phone', p.phone, 'email', p.email)
                    ORDER BY p.role::text COLLATE "C", p.id)
                FROM persons p
                WHERE p.case_id = c.id
                  AND ikodesk_sa_match(wanted, p.first_name, p.last_name, p.birth_date)
                      IS NOT NULL), '[]'),
            'others', coalesce((
                SELECT jsonb_agg(jsonb_build_object('role', p.role, 'kind', p.kind)
                                 ORDER BY p.role::text COLLATE "C", p.id)
                FROM persons p
                WHERE p.case_id = c.id
                  AND ikodesk_sa_match(wanted, p.first_name, p.last_name, p.birth_date) IS NULL),
                '[]'),
            'children_count', (SELECT count(*) FROM children ch WHERE ch.case_id = c.id),
            'children', CASE WHEN p_children THEN coalesce((
                SELECT jsonb_agg(jsonb_build_object(
                    'first_name', ch.first_name, 'last_name', ch.last_name,
                    'birth_date', to_char(ch.birth_date, 'YYYY-MM-DD'))
                    ORDER BY ch.position, ch.id)
                FROM children ch WHERE ch.case_id = c.id), '[]') END,
            'contacts', coalesce((
                SELECT jsonb_agg(jsonb_build_object(
                    'date', to_char(k.at, 'YYYY-MM-DD'), 'channel', k.channel, 'party', k.party,
                    'minutes', k.minutes)
                    ORDER BY k.at, k.id)
                FROM contacts k WHERE k.case_id = c.id), '[]')) AS d
        FROM cases c WHERE c.ref = ANY (refs)
    ) x;

    SELECT coalesce(jsonb_agg(d ORDER BY d ->> 'ref' COLLATE "C"), '[]') INTO mediations_part
    FROM (
        SELECT jsonb_build_object(
            'kind', 'mediation', 'ref', m.ref,
            'requested', to_char(m.requested, 'YYYY-MM-DD'), 'status', m.status,
            'started', to_char(m.started, 'YYYY-MM-DD'), 'ended', to_char(m.ended, 'YYYY-MM-DD'),
            'outcome', m.outcome,
            'own', coalesce((
                SELECT jsonb_agg(jsonb_build_object(
                    'relation', mp.relation, 'first_name', mp.first_name,
                    'last_name', mp.last_name, 'birth_date', to_char(mp.birth_date, 'YYYY-MM-DD'),
                    'country', mp.country)
                    ORDER BY mp.position, mp.id)
                FROM mediation_parents mp
                WHERE mp.mediation_id = m.id
                  AND ikodesk_sa_match(wanted, mp.first_name, mp.last_name, mp.birth_date)
                      IS NOT NULL), '[]'),
            'others', (
                SELECT count(*) FROM mediation_parents mp
                WHERE mp.mediation_id = m.id
                  AND ikodesk_sa_match(wanted, mp.first_name, mp.last_name, mp.birth_date)
                      IS NULL),
            'children_count', (SELECT count(*) FROM mediation_children mc
                               WHERE mc.mediation_id = m.id),
            'children', CASE WHEN p_children THEN coalesce((
                SELECT jsonb_agg(jsonb_build_object(
                    'first_name', mc.first_name, 'last_name', mc.last_name,
                    'birth_date', to_char(mc.birth_date, 'YYYY-MM-DD'))
                    ORDER BY mc.position, mc.id)
                FROM mediation_children mc WHERE mc.mediation_id = m.id), '[]') END) AS d
        FROM mediations m WHERE m.ref = ANY (refs)
    ) y;

    -- The clock: written here, so that every clock is a pack the server made and
    -- its maker is the session's login (no login may write the table).
    INSERT INTO access_requests (received, due, made_at, made_by, dossiers)
    VALUES (p_received, due, localtimestamp, left(session_user::text, 64),
            jsonb_array_length(cases_part) + jsonb_array_length(mediations_part))
    RETURNING id INTO request_id;
    INSERT INTO audit_log (workstation, action, object_type, object_ref, result, detail)
    VALUES ('server', 'subject.access', 'subject_access', NULL, 'allowed',
            'ontvangen ' || to_char(p_received, 'YYYY-MM-DD') || ', termijn tot '
            || to_char(due, 'YYYY-MM-DD') || '; ' || cardinality(refs) || ' dossier(s); kinderen '
            || CASE WHEN p_children THEN 'wel' ELSE 'niet' END || ' getoond; verzoek '
            || request_id);
    RETURN jsonb_build_object('request', request_id, 'received', to_char(p_received, 'YYYY-MM-DD'),
                              'due', to_char(due, 'YYYY-MM-DD'),
                              'dossiers', cases_part || mediations_part);
END
$$;

-- An administrator marks a request answered: the pack went to the requester.
-- IK003 for anyone else, IK005 (with the reason) for no such or an answered request.
CREATE OR REPLACE FUNCTION ikodesk_subject_answered(p_id integer) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF ikodesk_me_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION 'ikodesk: only an administrator handles access requests'
            USING ERRCODE = 'IK003';
    END IF;
    UPDATE access_requests SET answered_at = localtimestamp,
                               answered_by = left(session_user::text, 64)
    WHERE id = p_id AND answered_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'ikodesk: no open access request %', p_id
            USING ERRCODE = 'IK005', DETAIL = 'answered';
    END IF;
    INSERT INTO audit_log (workstation, action, object_type, object_ref, result, detail)
    VALUES ('server', 'subject.access', 'subject_access', p_id::text, 'allowed',
            'verzoek als beantwoord gemarkeerd');
END
$$;

-- Not everyone's to call (this file runs after functions.sql took every right
-- away): the helpers are the owner's, the three functions the administrators'.
REVOKE ALL ON FUNCTION ikodesk_sa_particles(), ikodesk_sa_fold(text), ikodesk_sa_tokens(text),
    ikodesk_sa_name(text[], text[]), ikodesk_sa_person(text, text, date),
    ikodesk_sa_wanted(jsonb), ikodesk_sa_match(jsonb, text, text, date), ikodesk_sa_found(jsonb),
    ikodesk_subject_candidates(jsonb), ikodesk_subject_pack(jsonb, text[], boolean, date),
    ikodesk_subject_answered(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ikodesk_subject_candidates(jsonb),
    ikodesk_subject_pack(jsonb, text[], boolean, date), ikodesk_subject_answered(integer)
    TO ikodesk_admin;
