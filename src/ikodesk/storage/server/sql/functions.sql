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

-- The cases whose names contain every word of q (three characters or more),
-- newest first, of those the login may list, never one behind its wall.
CREATE OR REPLACE FUNCTION ikodesk_search_ids(q text, lim integer) RETURNS SETOF integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me_id integer := ikodesk_me_id();
    me_role text := ikodesk_me_role();
    words text[];
BEGIN
    IF me_id IS NULL OR me_role NOT IN ('jurist', 'student') THEN
        RAISE EXCEPTION 'ikodesk: this role does not search dossiers' USING ERRCODE = 'IK003';
    END IF;
    SELECT array_agg(w) INTO words
    FROM regexp_split_to_table(ikodesk_fold(q), ' ') AS w WHERE length(w) >= 3;
    IF words IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH named AS (
        SELECT p.case_id,
               ikodesk_fold(concat_ws(' ', p.first_name, p.last_name, p.organisation)) AS n
        FROM persons p
        UNION ALL
        SELECT ch.case_id, ikodesk_fold(concat_ws(' ', ch.first_name, ch.last_name))
        FROM children ch
    ), per_case AS (
        SELECT named.case_id, string_agg(named.n, ' ') AS names FROM named GROUP BY named.case_id
    )
    SELECT c.id FROM per_case
    JOIN cases c ON c.id = per_case.case_id
    WHERE (SELECT bool_and(strpos(per_case.names, w) > 0) FROM unnest(words) AS w)
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
    WITH me AS (SELECT ikodesk_me_id() AS id, ikodesk_me_role() AS role),
    walled AS (
        SELECT c.id, c.ref FROM cases c, me
        WHERE me.id IS NOT NULL AND c.id IN (SELECT ikodesk_walled_for(me.id))
          AND (me.role = 'jurist' OR c.line = 1 OR c.handler_id = me.id)
    ), named AS (
        SELECT p.case_id, p.first_name, p.last_name FROM persons p
        WHERE p.case_id IN (SELECT id FROM walled)
        UNION ALL
        SELECT p.case_id, NULL, p.organisation FROM persons p
        WHERE p.case_id IN (SELECT id FROM walled) AND p.organisation IS NOT NULL
        UNION ALL
        SELECT ch.case_id, ch.first_name, ch.last_name FROM children ch
        WHERE ch.case_id IN (SELECT id FROM walled)
    ), whole AS (
        SELECT ikodesk_fold(ref) AS v FROM walled
        UNION ALL SELECT ikodesk_fold(last_name) FROM named WHERE last_name IS NOT NULL
        UNION ALL SELECT ikodesk_fold(concat_ws(' ', first_name, last_name)) FROM named
        UNION ALL SELECT ikodesk_fold(concat_ws(' ', last_name, first_name)) FROM named
            WHERE first_name IS NOT NULL AND last_name IS NOT NULL
    )
    SELECT ikodesk_fold(q) <> '' AND EXISTS (SELECT 1 FROM whole WHERE v = ikodesk_fold(q))
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
GRANT EXECUTE ON FUNCTION ikodesk_search_ids(text, integer), ikodesk_wall_notice(text)
    TO ikodesk_student, ikodesk_jurist;
GRANT EXECUTE ON FUNCTION ikodesk_add_search_terms(text, text)
    TO ikodesk_student, ikodesk_jurist, ikodesk_mediation, ikodesk_manager, ikodesk_admin;
GRANT EXECUTE ON FUNCTION ikodesk_search_secret() TO ikodesk_admin;
