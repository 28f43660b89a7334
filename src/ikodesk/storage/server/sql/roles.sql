-- The roles of an ikodesk office server, made by `ikodesk server init` with a
-- role that may create roles (the postgres superuser, or a CREATEROLE role
-- that owns the database). Idempotent.
--
--   ikodesk_owner   owns the tables and the SECURITY DEFINER functions; never a login.
--   ikodesk_roles   owns the one function that makes and changes logins
--                   (ikodesk_sync_login); it has CREATEROLE, no login, and no
--                   one can act as it except through that function. The logins
--                   themselves never get CREATEROLE: on PostgreSQL 15 a CREATEROLE
--                   role could make itself a member of the table owner.
--   ikodesk_student, ikodesk_jurist, ikodesk_mediation, ikodesk_manager,
--   ikodesk_admin   one group per ikodesk role; every user is a login in one.

DO $$
DECLARE
    g text;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ikodesk_owner') THEN
        CREATE ROLE ikodesk_owner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ikodesk_roles') THEN
        CREATE ROLE ikodesk_roles NOLOGIN CREATEROLE;
    END IF;
    FOREACH g IN ARRAY ARRAY['ikodesk_student', 'ikodesk_jurist', 'ikodesk_mediation',
                             'ikodesk_manager', 'ikodesk_admin'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = g) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', g);
        END IF;
        -- PostgreSQL 16 and later: a CREATEROLE role grants only what it administers.
        EXECUTE format('GRANT %I TO ikodesk_roles WITH ADMIN OPTION', g);
    END LOOP;
END
$$;

-- This database: only the ikodesk groups may connect; only the owner and the
-- role maker create objects in its schema.
DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO ikodesk_student, ikodesk_jurist, '
                   'ikodesk_mediation, ikodesk_manager, ikodesk_admin', current_database());
    -- A CREATEROLE role (not a superuser) acts as the owner and the role maker
    -- through membership.
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('GRANT ikodesk_owner, ikodesk_roles TO %I', current_user);
    END IF;
    -- The planner's price of reading a page out of order. The default (4, spinning
    -- disks) makes it read all 100,000 requesters to count one year's 2,000 instead
    -- of looking each up by its index, doubling the figures' time on ten years. An
    -- office database lives in the server's memory or on an SSD: 1.1. Set for this
    -- database only, in the sessions that start after it, and never over a value
    -- the server's administrator set for this database.
    IF NOT EXISTS (
        SELECT FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
        WHERE d.datname = current_database() AND s.setrole = 0
          AND EXISTS (SELECT FROM unnest(s.setconfig) c WHERE c LIKE 'random\_page\_cost=%')
    ) THEN
        EXECUTE format('ALTER DATABASE %I SET random_page_cost = 1.1', current_database());
    END IF;
END
$$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO ikodesk_owner, ikodesk_roles;
-- Levenshtein distances for the family matching (family_match.sql), diacritics
-- folded for search, trigrams for the search index, HMAC for the search-terms references (functions.sql).
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch SCHEMA public;
CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pgcrypto SCHEMA public;
-- Trigram indexes: the search finds a name fragment without reading every name.
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
