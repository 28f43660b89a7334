-- A bulk export from the office server (`ikodesk export`; issue #13 with the four
-- eyes of issue #18). No login reads every dossier, administrators included, so
-- the export reads through these functions, and only after a second
-- administrator approved it (ikodesk_consume_approval, approvals.sql). Run as
-- ikodesk_owner after approvals.sql; idempotent.
--
--   ikodesk_export_begin(destination)   takes the approval, audits the export;
--                                       returns the approver's name
--   ikodesk_export_rows(tbl, skip, lim) one table's rows as JSON, in the
--                                       transaction that began the export only

SET search_path = public, pg_temp;

CREATE OR REPLACE FUNCTION ikodesk_export_begin(p_destination text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    approver text;
BEGIN
    IF ikodesk_me_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION 'ikodesk: only an administrator exports the office' USING ERRCODE = 'IK003';
    END IF;
    approver := ikodesk_consume_approval('bulk_export');
    -- Also in the server's log: an export rolled back takes its audit entry back, and
    -- gives its approval back for another read within the approval's minutes.
    RAISE LOG 'ikodesk_export_begin: login %, approved by %', session_user, approver;
    -- Written by the server (its trigger names the login): whatever the client
    -- does with the rows afterwards, that it read them all is on record.
    INSERT INTO audit_log (workstation, action, object_type, object_ref, result, detail)
    VALUES (coalesce(host(inet_client_addr()), 'lokaal'), 'export.all', 'database', NULL,
            'allowed', left('alle dossiers gelezen voor een export naar '
                            || coalesce(p_destination, '?') || '; goedgekeurd door '
                            || approver, 300));
    RETURN approver;
END
$$;

-- The approval taken by ikodesk_export_begin is marked consumed by this very
-- transaction (its row version's xmin): rows are given out in that transaction
-- only, never in a later one that did not ask a second administrator.
CREATE OR REPLACE FUNCTION ikodesk_export_rows(tbl text, skip integer, lim integer)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    keys text;
    out jsonb;
BEGIN
    IF ikodesk_me_role() IS DISTINCT FROM 'admin' THEN
        RAISE EXCEPTION 'ikodesk: only an administrator exports the office' USING ERRCODE = 'IK003';
    END IF;
    IF NOT EXISTS (
        SELECT FROM approvals a
        WHERE a.action = 'bulk_export' AND a.consumed_by = session_user::text
          AND ikodesk_written_here(a.xmin)) THEN
        RAISE EXCEPTION 'ikodesk: no approved export in this transaction' USING ERRCODE = 'IK004';
    END IF;
    IF tbl IS NULL OR tbl NOT IN ('users', 'mediators', 'cases', 'case_notes', 'persons',
                                  'children', 'contacts', 'mediations', 'mediation_parents',
                                  'mediation_children', 'child_interviews',
                                  'mediation_mediators', 'activities', 'historical_figures',
                                  'conflict_pairs', 'wall_claims', 'case_openings') THEN
        RAISE EXCEPTION 'ikodesk: % is not exported this way', tbl USING ERRCODE = 'IK003';
    END IF;
    RAISE LOG 'ikodesk_export_rows: login %, % from %', session_user, tbl, skip;
    SELECT string_agg(quote_ident(a.attname), ', '
                      ORDER BY array_position(i.indkey::int2[], a.attnum))
    INTO keys
    FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
    WHERE i.indrelid = tbl::regclass AND i.indisprimary;
    IF tbl = 'users' THEN
        -- Who the users are, never their password hashes (the server keeps none
        -- for logins; an imported user gets no password either way).
        EXECUTE format('SELECT coalesce(jsonb_agg(to_jsonb(t) - ''password_hash''), ''[]'') '
                       'FROM (SELECT * FROM users ORDER BY %s OFFSET $1 LIMIT $2) t',
                       coalesce(keys, '1'))
            INTO out USING skip, lim;
    ELSE
        EXECUTE format('SELECT coalesce(jsonb_agg(to_jsonb(t)), ''[]'') '
                       'FROM (SELECT * FROM %I ORDER BY %s OFFSET $1 LIMIT $2) t',
                       tbl, coalesce(keys, '1'))
            INTO out USING skip, lim;
    END IF;
    RETURN out;
END
$$;

REVOKE ALL ON FUNCTION ikodesk_export_begin(text), ikodesk_export_rows(text, integer, integer)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ikodesk_export_begin(text), ikodesk_export_rows(text, integer, integer)
    TO ikodesk_admin;
