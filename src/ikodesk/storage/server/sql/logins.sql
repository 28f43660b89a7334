-- Users are database logins: a row in `users` is kept in step with a
-- PostgreSQL login role of exactly that name, by a trigger whose function is
-- owned by ikodesk_roles (roles.sql). Run as ikodesk_roles; idempotent.
--
-- Passwords: ikodesk applies its password policy and then hashes the password
-- on the client into a SCRAM-SHA-256 verifier (libpq's PQencryptPasswordConn);
-- only that verifier travels to the server, and the trigger hands it to
-- ALTER ROLE. `users.password_hash` then holds the marker 'server', never the
-- verifier. A user without a password (imported, or --no-password) and a
-- deactivated user are NOLOGIN.

SET search_path = public, pg_temp;

CREATE OR REPLACE FUNCTION ikodesk_sync_login() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    wanted text;
    g text;
    password_set boolean := false;
    change text;
BEGIN
    IF NEW.username !~ '^[a-z0-9][a-z0-9._-]{1,63}$'
       OR NEW.username LIKE 'ikodesk\_%' OR NEW.username LIKE 'pg\_%'
       OR NEW.username IN ('postgres', 'public') THEN
        RAISE EXCEPTION 'ikodesk: % cannot be a login name', NEW.username USING ERRCODE = 'IK003';
    END IF;
    IF NEW.role NOT IN ('student', 'jurist', 'mediation', 'manager', 'admin') THEN
        RAISE EXCEPTION 'ikodesk: unknown role %', NEW.role USING ERRCODE = 'IK003';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.username <> OLD.username THEN
        RAISE EXCEPTION 'ikodesk: a login cannot be renamed' USING ERRCODE = 'IK003';
    END IF;
    -- Not one's own role or activity: an administrator who made itself a jurist for
    -- the length of a transaction read every dossier, both sides of every wall, and
    -- rolled back without a trace (red team, round four). Another administrator
    -- changes it, and the change is recorded.
    IF TG_OP = 'UPDATE' AND NEW.username = session_user::text
       AND (NEW.role IS DISTINCT FROM OLD.role OR NEW.active IS DISTINCT FROM OLD.active) THEN
        RAISE EXCEPTION 'ikodesk: a login cannot change its own role or activity'
            USING ERRCODE = 'IK003';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = NEW.username) THEN
            -- Only a login ikodesk made itself may be taken over.
            IF NOT EXISTS (
                SELECT FROM pg_auth_members m
                JOIN pg_roles grp ON grp.oid = m.roleid
                JOIN pg_roles usr ON usr.oid = m.member
                WHERE usr.rolname = NEW.username
                  AND grp.rolname IN ('ikodesk_student', 'ikodesk_jurist', 'ikodesk_mediation',
                                      'ikodesk_manager', 'ikodesk_admin')
            ) THEN
                RAISE EXCEPTION 'ikodesk: role % exists and is not an ikodesk login',
                    NEW.username USING ERRCODE = 'IK003';
            END IF;
        ELSE
            EXECUTE format('CREATE ROLE %I NOLOGIN', NEW.username);
        END IF;
    END IF;
    wanted := 'ikodesk_' || NEW.role;
    FOREACH g IN ARRAY ARRAY['ikodesk_student', 'ikodesk_jurist', 'ikodesk_mediation',
                             'ikodesk_manager', 'ikodesk_admin'] LOOP
        IF g = wanted THEN
            EXECUTE format('GRANT %I TO %I', g, NEW.username);
        ELSIF pg_has_role(NEW.username, g, 'MEMBER') THEN
            EXECUTE format('REVOKE %I FROM %I', g, NEW.username);
        END IF;
    END LOOP;
    IF NEW.password_hash LIKE 'SCRAM-SHA-256$%' THEN
        EXECUTE format('ALTER ROLE %I PASSWORD %L', NEW.username, NEW.password_hash);
        NEW.password_hash := 'server';
        -- (recorded below: the marker is 'server' before and after, so comparing the
        -- two rows missed every password set again after the first)
        password_set := true;
    ELSIF NEW.password_hash IS NULL THEN
        EXECUTE format('ALTER ROLE %I PASSWORD NULL', NEW.username);
    ELSIF NEW.password_hash <> 'server' THEN
        RAISE EXCEPTION 'ikodesk: a password must reach the server as a SCRAM verifier'
            USING ERRCODE = 'IK003';
    END IF;
    IF NEW.active AND NEW.password_hash IS NOT NULL THEN
        EXECUTE format('ALTER ROLE %I LOGIN', NEW.username);
    ELSE
        EXECUTE format('ALTER ROLE %I NOLOGIN', NEW.username);
    END IF;
    -- Recorded by the server whatever client an ikodesk login made the change with
    -- (psql included). The setup role (server init) is not an ikodesk user: init
    -- records the first administrator itself (storage/server/setup.py, _first_data).
    IF TG_OP = 'INSERT' OR NEW.role IS DISTINCT FROM OLD.role
       OR NEW.active IS DISTINCT FROM OLD.active OR password_set
       OR NEW.password_hash IS DISTINCT FROM OLD.password_hash THEN
        change := left(concat_ws('; ',
            CASE WHEN TG_OP = 'INSERT' THEN 'login aangemaakt' END,
            'rol ' || NEW.role,
            CASE WHEN NEW.active THEN 'actief' ELSE 'gedeactiveerd' END,
            CASE WHEN TG_OP = 'UPDATE'
                 AND (password_set OR NEW.password_hash IS DISTINCT FROM OLD.password_hash)
                 THEN 'wachtwoord gewijzigd' END), 300);
        -- Also in the server's log, which a rollback does not take back.
        RAISE LOG 'ikodesk login %: % (by %)', NEW.username, change, session_user;
        IF EXISTS (SELECT FROM users u WHERE u.username = session_user::text) THEN
            INSERT INTO audit_log (workstation, action, object_type, object_ref, result, detail)
            VALUES ('server', 'user.manage', 'user', NEW.username, 'allowed', change);
        END IF;
    END IF;
    RETURN NEW;
END
$$;

REVOKE ALL ON FUNCTION ikodesk_sync_login() FROM PUBLIC;
-- (security.sql grants ikodesk_roles the right to append to the audit log.)
GRANT EXECUTE ON FUNCTION ikodesk_sync_login() TO ikodesk_owner;

-- Deleting a user (issue #18): only an account that was never used (the client
-- checks its history; the foreign keys refuse one that handled or opened
-- anything), only with a second administrator's approval, which the server
-- takes itself (approvals.sql), and the login goes with the row.
CREATE OR REPLACE FUNCTION ikodesk_drop_login() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF OLD.username = session_user::text THEN
        RAISE EXCEPTION 'ikodesk: an account cannot delete itself' USING ERRCODE = 'IK003';
    END IF;
    PERFORM ikodesk_consume_approval('user_delete');
    IF EXISTS (
        SELECT FROM pg_auth_members m
        JOIN pg_roles grp ON grp.oid = m.roleid
        JOIN pg_roles usr ON usr.oid = m.member
        WHERE usr.rolname = OLD.username
          AND grp.rolname IN ('ikodesk_student', 'ikodesk_jurist', 'ikodesk_mediation',
                              'ikodesk_manager', 'ikodesk_admin')
    ) THEN
        EXECUTE format('DROP ROLE %I', OLD.username);
    END IF;
    INSERT INTO audit_log (workstation, action, object_type, object_ref, result, detail)
    VALUES ('server', 'user.manage', 'user', OLD.username, 'allowed', 'login verwijderd');
    RETURN OLD;
END
$$;

REVOKE ALL ON FUNCTION ikodesk_drop_login() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ikodesk_drop_login() TO ikodesk_owner;
