-- Four eyes (issue #18, point 4): a second administrator approves a dangerous
-- action (a retention run, a bulk export, lifting a wall, deleting a user) at
-- the moment of it. Run as ikodesk_owner after functions.sql; idempotent.
--
--   ikodesk_approve(action, detail, for_login)  the approver's own login records
--                                               its approval (and audits it)
--   ikodesk_consume_approval(action)            an acting login's functions take
--                                               one: unused, at most 5 minutes
--                                               old, by ANOTHER active administrator
--
-- `approvals` has no grant that writes: only these functions (the owner's
-- rights) insert and mark rows, so a login cannot forge or reuse an approval.

SET search_path = public, pg_temp;

-- An active ikodesk administrator: a user row with the role admin and a login
-- that is a member of ikodesk_admin.
CREATE OR REPLACE FUNCTION ikodesk_is_admin_login(login text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (
        SELECT 1 FROM users u
        WHERE u.username = login AND u.active AND u.role::text = 'admin'
    ) AND EXISTS (
        SELECT 1 FROM pg_auth_members m
        JOIN pg_roles r ON r.oid = m.member
        JOIN pg_roles g ON g.oid = m.roleid
        WHERE r.rolname = login AND g.rolname = 'ikodesk_admin'
    )
$$;

CREATE OR REPLACE FUNCTION ikodesk_approve(p_action text, p_detail text,
                                           p_for_login text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me text := session_user::text;
BEGIN
    IF NOT ikodesk_is_admin_login(me) THEN
        RAISE EXCEPTION 'ikodesk: only an active administrator approves' USING ERRCODE = 'IK003';
    END IF;
    IF p_action NOT IN ('retention_run', 'bulk_export', 'wall_lift', 'user_delete') THEN
        RAISE EXCEPTION 'ikodesk: nothing to approve: %', p_action USING ERRCODE = '22023';
    END IF;
    IF p_for_login IS NOT NULL AND p_for_login = me THEN
        RAISE EXCEPTION 'ikodesk: an administrator cannot approve their own action'
            USING ERRCODE = 'IK003';
    END IF;
    INSERT INTO approvals (action, detail, approver, for_user, approved_at)
    VALUES (p_action, left(p_detail, 300), me, p_for_login, now() AT TIME ZONE 'UTC');
    -- The trigger ikodesk_audit_chain writes who (this login), when and the chain.
    INSERT INTO audit_log (workstation, action, object_type, object_ref, result, detail)
    VALUES (coalesce(host(inet_client_addr()), 'lokaal'), 'approval', 'approval', p_action,
            'allowed', left('voor ' || coalesce(p_for_login, 'elke andere beheerder') || ': '
                            || coalesce(p_detail, ''), 300));
END
$$;

-- Take one approval of `p_action` for the session's login; its approver's
-- name, or IK004 when there is none. Called by the acting login's own
-- functions (and by an administrator's session before a change the server
-- checks with a trigger).
CREATE OR REPLACE FUNCTION ikodesk_consume_approval(p_action text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me text := session_user::text;
    found_id integer;
    found_by text;
BEGIN
    SELECT a.id, a.approver INTO found_id, found_by
    FROM approvals a
    WHERE a.action = p_action
      AND a.consumed_at IS NULL
      AND a.approved_at > (now() AT TIME ZONE 'UTC') - interval '5 minutes'
      AND a.approver <> me
      AND (a.for_user IS NULL OR a.for_user = me)
      AND ikodesk_is_admin_login(a.approver)
    ORDER BY a.approved_at
    LIMIT 1
    FOR UPDATE SKIP LOCKED;
    IF found_id IS NULL THEN
        RAISE EXCEPTION 'ikodesk: no approval by a second administrator for %', p_action
            USING ERRCODE = 'IK004';
    END IF;
    UPDATE approvals SET consumed_at = now() AT TIME ZONE 'UTC', consumed_by = me
    WHERE id = found_id;
    RETURN found_by;
END
$$;

-- Lifting a wall: an administrator dismisses a weak match under review (its
-- provisional wall comes down, its claims are deleted). The server takes a
-- second administrator's approval for it itself, whatever the client sends.
-- SECURITY INVOKER: current_user is the login that changes the row (the
-- owner's own functions, which may, are not asked).
CREATE OR REPLACE FUNCTION ikodesk_wall_lift_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    IF current_user::text <> 'ikodesk_owner' AND NEW.status::text = 'dismissed'
       AND OLD.status::text IS DISTINCT FROM 'dismissed' THEN
        PERFORM ikodesk_consume_approval('wall_lift');
    END IF;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER conflict_pairs_wall_lift BEFORE UPDATE OF status ON conflict_pairs
    FOR EACH ROW EXECUTE FUNCTION ikodesk_wall_lift_check();

-- A claim (a side of a wall) goes only with its dismissed pair.
CREATE OR REPLACE FUNCTION ikodesk_wall_claim_removed() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    IF current_user::text <> 'ikodesk_owner' AND EXISTS (
        SELECT 1 FROM conflict_pairs p
        WHERE p.id = OLD.pair_id AND p.status::text IN ('conflict', 'review')
    ) THEN
        RAISE EXCEPTION 'ikodesk: a wall stands until its pair is dismissed'
            USING ERRCODE = 'IK003';
    END IF;
    RETURN OLD;
END
$$;
CREATE OR REPLACE TRIGGER wall_claims_removed BEFORE DELETE ON wall_claims
    FOR EACH ROW EXECUTE FUNCTION ikodesk_wall_claim_removed();

ALTER TABLE approvals ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS approvals_admin_read ON approvals;
CREATE POLICY approvals_admin_read ON approvals FOR SELECT TO ikodesk_admin USING (true);
GRANT SELECT ON approvals TO ikodesk_admin;

REVOKE ALL ON FUNCTION ikodesk_is_admin_login(text), ikodesk_approve(text, text, text),
    ikodesk_consume_approval(text), ikodesk_wall_lift_check(), ikodesk_wall_claim_removed()
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ikodesk_approve(text, text, text), ikodesk_consume_approval(text)
    TO ikodesk_admin;
-- The login trigger (logins.sql, as ikodesk_roles) takes the approval for deleting a user.
GRANT EXECUTE ON FUNCTION ikodesk_consume_approval(text) TO ikodesk_roles;
