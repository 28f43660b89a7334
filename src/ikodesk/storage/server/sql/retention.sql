-- The retention run on the office server (issue #18, points 1-3): anonymise every
-- case and mediation whose period has passed, as services/retention_run.py does
-- on a file. No login may write personal columns wholesale, administrators
-- included, so the run is this function: it takes a second administrator's
-- approval itself (ikodesk_consume_approval('retention_run')), decides what is
-- due from the stored periods (every scope must be stored: the client confirms
-- them in the same transaction first), records the run in the destruction
-- register and anonymises. Run as ikodesk_owner after approvals.sql; idempotent.
--
-- What the server cannot do from SQL is overwrite the freed space: the old row
-- versions stay in the table files until VACUUM (and for certain, VACUUM FULL)
-- by the owner, and in the WAL and in backups until those age out
-- (docs/server.md, "Retention run").

SET search_path = public, pg_temp;

CREATE OR REPLACE FUNCTION ikodesk_retention_apply(p_as_of date, p_run_by text)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    approver text;
    missing text;
    case_ids integer[];
    med_ids integer[];
    refs text[];
    counts jsonb;
    periods jsonb;
    cutoff date;
    terms integer;
    run_id integer;
    digest text;
BEGIN
    IF ikodesk_me_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION 'ikodesk: only an administrator runs retention' USING ERRCODE = 'IK003';
    END IF;
    approver := ikodesk_consume_approval('retention_run');
    SELECT string_agg(DISTINCT c.code::text, ', ') INTO missing
    FROM cases c LEFT JOIN retention_periods rp ON rp.scope = c.code::text
    WHERE rp.scope IS NULL;
    IF missing IS NOT NULL OR NOT EXISTS (SELECT FROM retention_periods WHERE scope = 'mediation')
    THEN
        RAISE EXCEPTION 'ikodesk: no stored retention period for %', coalesce(missing, 'mediation')
            USING ERRCODE = 'IK003';
    END IF;
    -- Due: closed, closing date plus the code's period on or before the run's
    -- date, no legal hold, not anonymised before.
    SELECT coalesce(array_agg(c.id ORDER BY c.id), '{}'),
           coalesce(array_agg(c.ref ORDER BY c.id), '{}')
    INTO case_ids, refs
    FROM cases c JOIN retention_periods rp ON rp.scope = c.code::text
    WHERE c.closed IS NOT NULL
      AND (c.closed + make_interval(years => rp.years))::date <= p_as_of
      AND NOT EXISTS (SELECT FROM legal_holds h WHERE h.case_id = c.id)
      AND NOT EXISTS (SELECT FROM anonymised_cases a WHERE a.case_id = c.id);
    -- A mediation: ended (its end date) or never started (its request date); held
    -- with the case it belongs to.
    SELECT coalesce(array_agg(m.id ORDER BY m.id), '{}'),
           refs || coalesce(array_agg(m.ref ORDER BY m.id), '{}')
    INTO med_ids, refs
    FROM mediations m, retention_periods rp
    WHERE rp.scope = 'mediation'
      AND m.status::text IN ('ended', 'not_started')
      AND ((CASE WHEN m.status::text = 'ended' AND m.ended IS NOT NULL THEN m.ended
                 ELSE m.requested END) + make_interval(years => rp.years))::date <= p_as_of
      AND (m.case_id IS NULL
           OR NOT EXISTS (SELECT FROM legal_holds h WHERE h.case_id = m.case_id))
      AND NOT EXISTS (SELECT FROM anonymised_mediations a WHERE a.mediation_id = m.id);
    SELECT coalesce(jsonb_object_agg(scope, n), '{}') INTO counts FROM (
        SELECT c.code::text AS scope, count(*) AS n FROM cases c
        WHERE c.id = ANY (case_ids) GROUP BY c.code
        UNION ALL
        SELECT 'mediation', cardinality(med_ids) WHERE cardinality(med_ids) > 0
    ) x;
    SELECT jsonb_object_agg(scope, years) INTO periods FROM retention_periods;
    cutoff := (p_as_of - make_interval(years => (SELECT min(years) FROM retention_periods)))::date;
    SELECT count(*) INTO terms FROM audit_search_terms
    WHERE created < to_char(cutoff, 'YYYY-MM-DD');
    -- The register's proof: SHA-256 over the sorted references, one per line
    -- (code point order, as Python sorts: collation "C").
    SELECT encode(public.digest(coalesce(string_agg(r, E'\n' ORDER BY r COLLATE "C"), ''),
                                'sha256'), 'hex')
    INTO digest FROM unnest(refs) r;
    -- run_by: the login that runs it, whatever name the client passes (p_run_by).
    INSERT INTO destruction_runs (run_at, as_of, run_by, approved_by, counts, cases, mediations,
                                  search_terms, refs_hash, periods)
    VALUES (localtimestamp, p_as_of, left(session_user::text, 64), approver,
            counts, cardinality(case_ids), cardinality(med_ids), terms, digest, periods)
    RETURNING id INTO run_id;

    -- Cases: the children's age at opening first (the figures count it).
    UPDATE children ch SET age = date_part('year', age(c.opened, ch.birth_date))::integer
    FROM cases c
    WHERE c.id = ch.case_id AND ch.case_id = ANY (case_ids) AND ch.birth_date IS NOT NULL;
    UPDATE children SET first_name = NULL, last_name = NULL, birth_date = NULL
    WHERE case_id = ANY (case_ids);
    UPDATE persons SET first_name = NULL, last_name = NULL, birth_date = NULL, phone = NULL,
                       email = NULL, organisation = NULL
    WHERE case_id = ANY (case_ids);
    UPDATE contacts SET summary = NULL, extra = NULL WHERE case_id = ANY (case_ids);
    DELETE FROM case_notes WHERE case_id = ANY (case_ids);
    DELETE FROM match_keys WHERE case_id = ANY (case_ids);
    DELETE FROM match_profiles WHERE case_id = ANY (case_ids);
    -- Whoever has one of these cases open saves against a newer version (and is told).
    UPDATE cases SET version = version + 1 WHERE id = ANY (case_ids);
    INSERT INTO anonymised_cases (case_id, run_id) SELECT unnest(case_ids), run_id;

    UPDATE mediation_children mc SET age = date_part('year', age(m.requested, mc.birth_date))::integer
    FROM mediations m
    WHERE m.id = mc.mediation_id AND mc.mediation_id = ANY (med_ids) AND mc.birth_date IS NOT NULL;
    UPDATE mediation_children SET first_name = NULL, last_name = NULL, birth_date = NULL
    WHERE mediation_id = ANY (med_ids);
    UPDATE mediation_parents SET first_name = NULL, last_name = NULL, birth_date = NULL
    WHERE mediation_id = ANY (med_ids);
    UPDATE mediations SET not_started_reason = NULL, extra = NULL WHERE id = ANY (med_ids);
    INSERT INTO anonymised_mediations (mediation_id, run_id) SELECT unnest(med_ids), run_id;

    DELETE FROM audit_search_terms WHERE created < to_char(cutoff, 'YYYY-MM-DD');
    INSERT INTO audit_log (workstation, action, object_type, object_ref, result, detail)
    VALUES (coalesce(host(inet_client_addr()), 'lokaal'), 'retention.run', 'retention',
            'run ' || run_id, 'allowed',
            left('per ' || p_as_of || '; goedgekeurd door ' || approver || '; '
                 || cardinality(case_ids) || ' zaken, ' || cardinality(med_ids)
                 || ' mediations, ' || terms || ' zoektermen; kenmerken-hash '
                 || left(digest, 16), 300));
    RETURN jsonb_build_object('run_id', run_id, 'approver', approver,
                              'cases', cardinality(case_ids), 'mediations', cardinality(med_ids),
                              'search_terms', terms, 'refs_hash', digest);
END
$$;

REVOKE ALL ON FUNCTION ikodesk_retention_apply(date, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ikodesk_retention_apply(date, text) TO ikodesk_admin;
