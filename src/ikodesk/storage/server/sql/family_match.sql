-- Family matching on the server: services/family_match/scoring.py `compare` in PL/pgSQL.
--
-- In server mode row-level security hides other cases' personal data, but a
-- new case must still be compared with every case to find the other parent's.
-- A SECURITY DEFINER function does that and returns only "a match exists";
-- these are the pure functions it calls. They read no table: two profiles
-- in, a verdict out.
--
-- Profiles are the JSON of services/family_match/profile_json.py. Python does
-- every step that depends on Unicode or on sorting: names arrive folded (case,
-- diacritics, punctuation), split into tokens, and in the forms rapidfuzz
-- compares (joined, sorted by code point, as sorted distinct sets, without
-- particles). So nothing here depends on PostgreSQL's Unicode handling or on
-- the database's collation; strings are only compared for equality. Dates are
-- ISO strings 'YYYY-MM-DD', ordered as strings under COLLATE "C".
--
-- rapidfuzz's scorers are ported with its exact floating-point steps, so a
-- similarity here is the same double as in Python and every threshold falls
-- the same way:
--   Indel distance  = Levenshtein with insertion 1, deletion 1, substitution 2
--   ratio           = (1 - indel / (len1 + len2)) * 100            (100 for two empty strings)
--   token_set parts = 100 - 100 * dist / lensum
-- Lengths count code points, as rapidfuzz does.
--
-- Name resolution: the functions call each other and fuzzystrmatch's
-- `levenshtein` unqualified, so the caller's search_path (a SECURITY DEFINER
-- function sets its own) must hold the schema of these functions and of the
-- extension. The file is idempotent: run it again to replace the functions.
--
-- Parity with Python: tests/pg/test_family_match_sql.py.

CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;


-- Thresholds and weights of scoring.py, by their Python names; an unknown name
-- is an error. Always called with a constant, so PostgreSQL folds the call
-- once when it plans an expression, not once per comparison.
CREATE OR REPLACE FUNCTION ikodesk_fm_const(name text) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  value double precision := CASE name
    WHEN 'CONFLICT_SCORE' THEN 5
    WHEN 'CONFLICT_SCORE_WITHOUT_SIDES' THEN 7
    WHEN 'REVIEW_SCORE' THEN 3
    WHEN 'FIRST_NAME_MATCH' THEN 85.0
    WHEN 'SURNAME_MATCH' THEN 85.0
    WHEN 'NAME_ONLY_MATCH' THEN 88.0
    WHEN 'PERSON_WITH_DATE_MATCH' THEN 80.0
    WHEN 'DIFFERENT_NAME' THEN 60.0
    WHEN 'W_CHILD_DATE_FIRST' THEN 3
    WHEN 'W_CHILD_DATE_SURNAME' THEN 2
    WHEN 'W_CHILD_NAMES' THEN 1
    WHEN 'W_AGES' THEN 1
    WHEN 'W_PERSON_STRONG' THEN 4
    WHEN 'W_PERSON_NAME' THEN 2
    WHEN 'W_CHILDREN_DIFFER' THEN -4
    WHEN 'W_PERSON_DIFFERS' THEN -3
  END;
BEGIN
  IF value IS NULL THEN
    RAISE EXCEPTION 'ikodesk_fm: unknown constant %', name;
  END IF;
  RETURN value;
END
$$;

-- The integer constants (scores and weights).
CREATE OR REPLACE FUNCTION ikodesk_fm_points(name text) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT ikodesk_fm_const(name)::integer
$$;


-- Whether the people of a profile carry what one person of a case can: one phone
-- number and one e-mail address at most (profiles.contact_keys makes no more).
-- A profile is the caller's word: a list of guessed numbers would make the
-- comparison test thousands of the other side's phone numbers in one call.
CREATE OR REPLACE FUNCTION ikodesk_fm_contacts_ok(p jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(bool_and(
    CASE jsonb_typeof(person -> 'contact')
      WHEN 'array' THEN (
        SELECT count(*) FILTER (WHERE t #>> '{}' LIKE 't:%') <= 1
               AND count(*) FILTER (WHERE t #>> '{}' LIKE 'e:%') <= 1
               AND coalesce(bool_and(jsonb_typeof(t) = 'string'
                                     AND (t #>> '{}' LIKE 't:%' OR t #>> '{}' LIKE 'e:%')), true)
        FROM jsonb_array_elements(person -> 'contact') AS t)
      WHEN 'null' THEN true
      ELSE person -> 'contact' IS NULL
    END), true)
  FROM (VALUES (p -> 'requester'), (p -> 'other_parent')) AS v(person)
  WHERE jsonb_typeof(person) = 'object'
$$;


-- A JSON array of strings as text[], in order; anything else as an empty array.
-- (A loop of simple expressions: cheaper than a query for a few tokens.)
CREATE OR REPLACE FUNCTION ikodesk_fm_tokens(j jsonb) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  result text[] := '{}';
BEGIN
  IF jsonb_typeof(j) = 'array' THEN
    FOR i IN 0 .. jsonb_array_length(j) - 1 LOOP
      result := array_append(result, j ->> i);
    END LOOP;
  END IF;
  RETURN result;
END
$$;


-- Whether a NAME is what Name.of makes of one name (profile_json): a few tokens,
-- the joined forms their concatenation, the sets and sorted forms made of those
-- tokens only. A name carrying hundreds of guessed first names matched any real
-- one of them (a token set is 100 when one holds the other): a profile is the
-- caller's word, and it must not test more than one name per person.
CREATE OR REPLACE FUNCTION ikodesk_fm_name_ok(n jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT n IS NULL OR jsonb_typeof(n) = 'null' OR (
    jsonb_typeof(n) = 'object'
    AND cardinality(ikodesk_fm_tokens(n -> 'first')) <= 10
    AND cardinality(ikodesk_fm_tokens(n -> 'last')) <= 10
    AND length(coalesce(n ->> 'first_joined', '')) <= 200
    AND length(coalesce(n ->> 'last_joined', '')) <= 200
    AND coalesce(n ->> 'first_joined', '') = array_to_string(ikodesk_fm_tokens(n -> 'first'), '')
    AND coalesce(n ->> 'last_joined', '') = array_to_string(ikodesk_fm_tokens(n -> 'last'), '')
    AND ikodesk_fm_tokens(n -> 'first_set') <@ ikodesk_fm_tokens(n -> 'first')
    AND ikodesk_fm_tokens(n -> 'first_core_set') <@ ikodesk_fm_tokens(n -> 'first')
    AND ikodesk_fm_tokens(n -> 'last_set') <@ ikodesk_fm_tokens(n -> 'last')
    AND ikodesk_fm_tokens(n -> 'last_core_set') <@ ikodesk_fm_tokens(n -> 'last')
    AND string_to_array(coalesce(n ->> 'first_sorted', ''), ' ')
        <@ ikodesk_fm_tokens(n -> 'first')
    AND string_to_array(coalesce(n ->> 'last_sorted', ''), ' ')
        <@ ikodesk_fm_tokens(n -> 'last')
    AND string_to_array(coalesce(n ->> 'whole_sorted', ''), ' ')
        <@ (ikodesk_fm_tokens(n -> 'first') || ikodesk_fm_tokens(n -> 'last'))
  )
$$;


-- Whether a profile handed in holds no more than one case can (profile_json): at
-- most 20 children (input_rules.MAX_CHILDREN); a dated child's range is its day,
-- an age's range a year (ChildProfile.of); names as Name.of makes them; one phone
-- number and one e-mail address per person. Thousands of children with a guessed
-- birth date each, or a range of years, bisected a hidden child's birth date in
-- a dozen calls (red team, 2026-12-03).
CREATE OR REPLACE FUNCTION ikodesk_fm_profile_ok(p jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ikodesk_fm_contacts_ok(p)
    AND ikodesk_fm_name_ok(p #> '{requester,name}')
    AND ikodesk_fm_name_ok(p #> '{other_parent,name}')
    AND (jsonb_typeof(p -> 'children') IS DISTINCT FROM 'array' OR (
      jsonb_array_length(p -> 'children') <= 20
      AND coalesce((
        SELECT bool_and(
          jsonb_typeof(ch) = 'object'
          AND ikodesk_fm_name_ok(ch -> 'name')
          AND CASE
            WHEN ch ->> 'birth_date' IS NOT NULL THEN
              coalesce(ch ->> 'born_from', ch ->> 'birth_date') = ch ->> 'birth_date'
              AND coalesce(ch ->> 'born_to', ch ->> 'birth_date') = ch ->> 'birth_date'
            WHEN ch ->> 'born_from' IS NOT NULL OR ch ->> 'born_to' IS NOT NULL THEN
              ch ->> 'born_from' IS NOT NULL AND ch ->> 'born_to' IS NOT NULL
              AND (ch ->> 'born_to')::date - (ch ->> 'born_from')::date BETWEEN 364 AND 366
            ELSE true
          END)
        FROM jsonb_array_elements(p -> 'children') AS ch), true)))
$$;


-- Indel distance (insertions and deletions only) of strings of any length:
-- both lengths minus twice their longest common subsequence. Only for strings
-- beyond the 255 characters of fuzzystrmatch's levenshtein (a name never is,
-- unless Unicode folding blew it up).
CREATE OR REPLACE FUNCTION ikodesk_fm_indel_long(a text, b text) RETURNS integer
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  ca text[] := string_to_array(a, NULL);
  cb text[] := string_to_array(b, NULL);
  n integer := cardinality(ca);
  m integer := cardinality(cb);
  prev integer[];
  cur integer[];
BEGIN
  IF n = 0 OR m = 0 THEN
    RETURN n + m;
  END IF;
  -- The LCS of a[1..i] and b[1..j] is at prev[j + 1] for row i - 1, cur[j + 1] for row i.
  prev := array_fill(0, ARRAY[m + 1]);
  FOR i IN 1 .. n LOOP
    cur := array_fill(0, ARRAY[m + 1]);
    FOR j IN 1 .. m LOOP
      IF ca[i] = cb[j] THEN
        cur[j + 1] := prev[j] + 1;
      ELSE
        cur[j + 1] := greatest(prev[j + 1], cur[j]);
      END IF;
    END LOOP;
    prev := cur;
  END LOOP;
  RETURN n + m - 2 * prev[m + 1];
END
$$;

-- Indel distance: Levenshtein with insertion 1, deletion 1, substitution 2.
CREATE OR REPLACE FUNCTION ikodesk_fm_indel(a text, b text) RETURNS integer
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  IF char_length(a) <= 255 AND char_length(b) <= 255 THEN
    RETURN levenshtein(a, b, 1, 1, 2);
  END IF;
  RETURN ikodesk_fm_indel_long(a, b);
END
$$;


-- rapidfuzz.fuzz.ratio: the normalized Indel similarity * 100.
-- fuzz.token_sort_ratio(x, y) is this ratio of the tokens sorted by code point
-- and joined by spaces: the `_sorted` strings of a NAME, sorted by Python.
CREATE OR REPLACE FUNCTION ikodesk_fm_ratio(a text, b text) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  lensum integer := char_length(a) + char_length(b);
BEGIN
  IF lensum = 0 THEN
    RETURN 100;
  END IF;
  RETURN (1::double precision - ikodesk_fm_indel(a, b)::double precision / lensum::double precision)
    * 100::double precision;
END
$$;

-- rapidfuzz's norm_distance<100> (score cutoff 0).
CREATE OR REPLACE FUNCTION ikodesk_fm_norm_distance(dist integer, lensum integer)
RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  IF lensum > 0 THEN
    RETURN 100::double precision
      - 100::double precision * dist::double precision / lensum::double precision;
  END IF;
  RETURN 100;
END
$$;

-- rapidfuzz.fuzz.token_set_ratio of two token sets, each its distinct tokens
-- sorted by code point (the `_set` arrays of a NAME, made by Python): the
-- differences keep that order, as rapidfuzz sorts them.
CREATE OR REPLACE FUNCTION ikodesk_fm_token_set_ratio(a_set text[], b_set text[])
RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  t text;
  ab text[] := '{}';
  ba text[] := '{}';
  sect_count integer := 0;
  sect_len integer := 0;  -- length of the intersection joined by spaces
  ab_len integer;
  ba_len integer;
  sect_ab_len integer;
  sect_ba_len integer;
  result double precision;
BEGIN
  -- As in FuzzyWuzzy: nothing to compare gives 0.
  IF cardinality(a_set) = 0 OR cardinality(b_set) = 0 THEN
    RETURN 0;
  END IF;
  FOREACH t IN ARRAY a_set LOOP
    IF t = ANY (b_set) THEN
      sect_count := sect_count + 1;
      sect_len := sect_len + char_length(t);
    ELSE
      ab := array_append(ab, t);
    END IF;
  END LOOP;
  FOREACH t IN ARRAY b_set LOOP
    IF NOT t = ANY (a_set) THEN
      ba := array_append(ba, t);
    END IF;
  END LOOP;
  -- One is part of the other.
  IF sect_count > 0 AND (cardinality(ab) = 0 OR cardinality(ba) = 0) THEN
    RETURN 100;
  END IF;
  IF sect_count > 0 THEN
    sect_len := sect_len + sect_count - 1;
  END IF;
  ab_len := char_length(array_to_string(ab, ' '));
  ba_len := char_length(array_to_string(ba, ' '));
  -- Lengths of "sect ab" and "sect ba".
  sect_ab_len := sect_len + (sect_len <> 0)::integer + ab_len;
  sect_ba_len := sect_len + (sect_len <> 0)::integer + ba_len;
  result := ikodesk_fm_norm_distance(
    ikodesk_fm_indel(array_to_string(ab, ' '), array_to_string(ba, ' ')),
    sect_ab_len + sect_ba_len
  );
  IF sect_len = 0 THEN
    RETURN result;
  END IF;
  -- "sect ab" against "sect": only the length differs.
  RETURN greatest(
    result,
    ikodesk_fm_norm_distance(1 + ab_len, sect_len + sect_ab_len),
    ikodesk_fm_norm_distance(1 + ba_len, sect_len + sect_ba_len)
  );
END
$$;


-- names.py `_first_sim`: reordered ("anna maria"/"maria anna") and partial
-- first names agree. Each side as its `_joined`, `_sorted` and `_set` forms.
CREATE OR REPLACE FUNCTION ikodesk_fm_first_sim(
  a_joined text, a_sorted text, a_set text[], b_joined text, b_sorted text, b_set text[]
) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  RETURN greatest(
    ikodesk_fm_ratio(a_sorted, b_sorted),  -- token_sort_ratio
    ikodesk_fm_token_set_ratio(a_set, b_set),
    ikodesk_fm_ratio(a_joined, b_joined)
  );
END
$$;

-- names.py `_last_sim`: spacing ("van den berg"/"vandenberg") and double
-- surnames agree. Each side as its `_joined` form and `_core_set` (no particles).
CREATE OR REPLACE FUNCTION ikodesk_fm_last_sim(
  a_joined text, a_core_set text[], b_joined text, b_core_set text[]
) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  RETURN greatest(
    ikodesk_fm_ratio(a_joined, b_joined),
    ikodesk_fm_token_set_ratio(a_core_set, b_core_set)
  );
END
$$;

-- names.py `name_similarity` of two NAME objects: 0-100, first and last names
-- may be swapped; NULL when either lacks a first or a last name.
CREATE OR REPLACE FUNCTION ikodesk_fm_name_similarity(a jsonb, b jsonb)
RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  af text[] := ikodesk_fm_tokens(a -> 'first_set');
  al text[] := ikodesk_fm_tokens(a -> 'last_set');
  bf text[] := ikodesk_fm_tokens(b -> 'first_set');
  bl text[] := ikodesk_fm_tokens(b -> 'last_set');
  afc text[];
  alc text[];
  bfc text[];
  blc text[];
  afj text := a ->> 'first_joined';
  alj text := a ->> 'last_joined';
  bfj text := b ->> 'first_joined';
  blj text := b ->> 'last_joined';
  direct double precision;
  swapped double precision;
BEGIN
  IF cardinality(af) = 0 OR cardinality(al) = 0 OR cardinality(bf) = 0 OR cardinality(bl) = 0
  THEN
    RETURN NULL;
  END IF;
  afc := ikodesk_fm_tokens(a -> 'first_core_set');
  alc := ikodesk_fm_tokens(a -> 'last_core_set');
  bfc := ikodesk_fm_tokens(b -> 'first_core_set');
  blc := ikodesk_fm_tokens(b -> 'last_core_set');
  direct := least(
    ikodesk_fm_first_sim(afj, a ->> 'first_sorted', af, bfj, b ->> 'first_sorted', bf),
    ikodesk_fm_last_sim(alj, alc, blj, blc)
  );
  -- Swapped both ways, so that the score does not depend on which case comes first.
  swapped := greatest(
    least(
      ikodesk_fm_first_sim(afj, a ->> 'first_sorted', af, blj, b ->> 'last_sorted', bl),
      ikodesk_fm_last_sim(alj, alc, bfj, bfc)
    ),
    least(
      ikodesk_fm_first_sim(bfj, b ->> 'first_sorted', bf, alj, a ->> 'last_sorted', al),
      ikodesk_fm_last_sim(blj, blc, afj, afc)
    )
  );
  RETURN greatest(
    direct,
    swapped,
    ikodesk_fm_ratio(a ->> 'whole_sorted', b ->> 'whole_sorted')  -- token_sort_ratio
  );
END
$$;


-- scoring.py `compare_persons` of two PERSON objects:
-- 'strong' | 'contact' | 'name' | 'different' | 'unknown'.
CREATE OR REPLACE FUNCTION ikodesk_fm_compare_persons(a jsonb, b jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  ra text := nullif(a ->> 'relation', '');
  rb text := nullif(b ->> 'relation', '');
  da text := a ->> 'birth_date';
  db text := b ->> 'birth_date';
  dated boolean := da IS NOT NULL AND db IS NOT NULL;
  sim double precision;
BEGIN
  IF ra IS NOT NULL AND rb IS NOT NULL AND ra <> rb THEN
    RETURN 'different';
  END IF;
  IF dated AND da <> db THEN
    RETURN 'different';
  END IF;
  -- (Python measures the names before this date check; no need to here.)
  sim := ikodesk_fm_name_similarity(a -> 'name', b -> 'name');
  IF dated AND sim >= ikodesk_fm_const('PERSON_WITH_DATE_MATCH') THEN
    RETURN 'strong';
  END IF;
  IF ikodesk_fm_tokens(a -> 'contact') && ikodesk_fm_tokens(b -> 'contact')
     AND (sim IS NULL OR sim >= ikodesk_fm_const('DIFFERENT_NAME')) THEN
    RETURN 'contact';
  END IF;
  IF NOT dated AND sim >= ikodesk_fm_const('NAME_ONLY_MATCH') THEN
    RETURN 'name';
  END IF;
  IF sim < ikodesk_fm_const('DIFFERENT_NAME') THEN
    RETURN 'different';
  END IF;
  RETURN 'unknown';
END
$$;


-- scoring.py `compare_children` of two CHILD objects:
-- 'date_first' | 'date_surname' | 'names' | 'compatible', NULL when they cannot be one child.
CREATE OR REPLACE FUNCTION ikodesk_fm_compare_children(a jsonb, b jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  a_from text := a ->> 'born_from';
  a_to text := a ->> 'born_to';
  b_from text := b ->> 'born_from';
  b_to text := b ->> 'born_to';
  an jsonb := a -> 'name';
  bn jsonb := b -> 'name';
  dated boolean := a ->> 'birth_date' IS NOT NULL AND b ->> 'birth_date' IS NOT NULL;
  first double precision;
  last double precision;
BEGIN
  IF a_from IS NOT NULL AND b_from IS NOT NULL AND a_to IS NOT NULL AND b_to IS NOT NULL
     AND (a_to COLLATE "C" < b_from OR b_to COLLATE "C" < a_from) THEN
    RETURN NULL;
  END IF;
  IF an ->> 'first_joined' <> '' AND bn ->> 'first_joined' <> '' THEN
    first := ikodesk_fm_first_sim(
      an ->> 'first_joined', an ->> 'first_sorted', ikodesk_fm_tokens(an -> 'first_set'),
      bn ->> 'first_joined', bn ->> 'first_sorted', ikodesk_fm_tokens(bn -> 'first_set')
    );
  END IF;
  IF dated AND first IS NOT NULL THEN
    -- The dates are equal (the ranges above are single days).
    IF first >= ikodesk_fm_const('FIRST_NAME_MATCH') THEN
      RETURN 'date_first';
    END IF;
    IF first < ikodesk_fm_const('DIFFERENT_NAME') THEN
      RETURN NULL;  -- a twin, or another child born that day
    END IF;
    RETURN 'compatible';
  END IF;
  -- The surnames only where they count (Python measures them in any case).
  IF an ->> 'last_joined' <> '' AND bn ->> 'last_joined' <> '' THEN
    last := ikodesk_fm_last_sim(
      an ->> 'last_joined', ikodesk_fm_tokens(an -> 'last_core_set'),
      bn ->> 'last_joined', ikodesk_fm_tokens(bn -> 'last_core_set')
    );
  END IF;
  IF dated THEN
    IF last >= ikodesk_fm_const('SURNAME_MATCH') THEN
      RETURN 'date_surname';
    END IF;
    RETURN 'compatible';
  END IF;
  IF first IS NOT NULL AND last IS NOT NULL THEN
    IF first >= ikodesk_fm_const('NAME_ONLY_MATCH')
       AND last >= ikodesk_fm_const('SURNAME_MATCH') THEN
      RETURN 'names';
    END IF;
    IF first < ikodesk_fm_const('DIFFERENT_NAME') THEN
      RETURN NULL;
    END IF;
  END IF;
  RETURN 'compatible';
END
$$;

CREATE OR REPLACE FUNCTION ikodesk_fm_child_weight(match text) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE match
    WHEN 'date_first' THEN ikodesk_fm_points('W_CHILD_DATE_FIRST')
    WHEN 'date_surname' THEN ikodesk_fm_points('W_CHILD_DATE_SURNAME')
    WHEN 'names' THEN ikodesk_fm_points('W_CHILD_NAMES')
    WHEN 'compatible' THEN 0
  END
$$;

-- scoring.py `pair_children`: the children of two cases (JSON arrays of CHILD)
-- paired one to one, best evidence first (greedy; ties in the order of the
-- children, as Python's stable sort). The matches of the pairing, in the order taken.
CREATE OR REPLACE FUNCTION ikodesk_fm_pair_children(a jsonb, b jsonb) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  opt record;
  used_a bigint[] := '{}';
  used_b bigint[] := '{}';
  matches text[] := '{}';
BEGIN
  FOR opt IN
    SELECT o.i, o.j, o.m FROM (
      SELECT ca.n AS i, cb.n AS j, ikodesk_fm_compare_children(ca.c, cb.c) AS m
      FROM jsonb_array_elements(a) WITH ORDINALITY AS ca(c, n)
      CROSS JOIN jsonb_array_elements(b) WITH ORDINALITY AS cb(c, n)
    ) AS o
    WHERE o.m IS NOT NULL
    ORDER BY ikodesk_fm_child_weight(o.m) DESC, o.i, o.j
  LOOP
    CONTINUE WHEN opt.i = ANY (used_a) OR opt.j = ANY (used_b);
    used_a := array_append(used_a, opt.i);
    used_b := array_append(used_b, opt.j);
    matches := array_append(matches, opt.m);
  END LOOP;
  RETURN matches;
END
$$;


-- scoring.py `opposition` of the two requesters (PERSON objects):
-- 'opposite_sides' | 'both_parents' | 'same_side', NULL when they are the same parent.
CREATE OR REPLACE FUNCTION ikodesk_fm_opposition(a jsonb, b jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  same text := ikodesk_fm_compare_persons(a, b);
  ga text := a ->> 'side_group';
  gb text := b ->> 'side_group';
  ra text := nullif(a ->> 'relation', '');
  rb text := nullif(b ->> 'relation', '');
BEGIN
  IF same IN ('strong', 'name') THEN
    RETURN NULL;
  END IF;
  IF ga IS NOT NULL AND gb IS NOT NULL THEN
    RETURN CASE WHEN ga <> gb THEN 'opposite_sides' ELSE 'same_side' END;
  END IF;
  IF ra IS NOT NULL AND rb IS NOT NULL AND ra <> rb THEN
    RETURN 'both_parents';
  END IF;
  IF same = 'different' THEN
    RETURN 'both_parents';
  END IF;
  RETURN 'same_side';
END
$$;


-- scoring.py `compare` of two profiles (profile_json.py): the verdict as
-- {"status": "conflict" | "review", "score": n, "reason": "..."}, or NULL for nothing.
CREATE OR REPLACE FUNCTION ikodesk_fm_compare(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  opposed text := ikodesk_fm_opposition(a -> 'requester', b -> 'requester');
  score integer := 0;
  contradiction boolean := false;
  parts text[] := '{}';
  na integer := coalesce(jsonb_array_length(a -> 'children'), 0);
  nb integer := coalesce(jsonb_array_length(b -> 'children'), 0);
  kids text[];
  evidential text[];
  bases text[];
  basis text;
  crossed text[] := '{}';
  found text[];
  differ integer;
  needed integer;
  reason text;
BEGIN
  IF opposed IS NULL THEN
    RETURN NULL;  -- the same parent asking again: not a conflict
  END IF;

  IF na > 0 AND nb > 0 THEN
    kids := ikodesk_fm_pair_children(a -> 'children', b -> 'children');
    IF cardinality(kids) = 0 THEN
      score := score + ikodesk_fm_points('W_CHILDREN_DIFFER');
      contradiction := true;
      parts := array_append(parts, 'kinderen komen niet overeen');
    ELSE
      score := score + (SELECT sum(ikodesk_fm_child_weight(m))::integer FROM unnest(kids) AS m);
      evidential := ARRAY(SELECT m FROM unnest(kids) AS m WHERE m <> 'compatible');
      IF cardinality(evidential) > 0 THEN
        bases := ARRAY(SELECT DISTINCT m FROM unnest(evidential) AS m);
        basis := CASE WHEN cardinality(bases) > 1 THEN 'geboortedatum en naam'
          ELSE CASE bases[1]
            WHEN 'date_first' THEN 'geboortedatum en voornaam'
            WHEN 'date_surname' THEN 'geboortedatum en achternaam'
            WHEN 'names' THEN 'naam; geboortedatum ontbreekt'
          END
        END;
        parts := array_append(parts, format(
          'zelfde kinderen (%s van %s, %s)', cardinality(evidential), greatest(na, nb), basis
        ));
      ELSIF na = nb AND nb = cardinality(kids) THEN
        score := score + ikodesk_fm_points('W_AGES');
        parts := array_append(parts, 'leeftijden van de kinderen komen overeen');
      END IF;
    END IF;
  END IF;

  -- Each requester against the other parent named in the other case.
  IF jsonb_typeof(b -> 'other_parent') = 'object' THEN
    crossed := array_append(
      crossed, ikodesk_fm_compare_persons(a -> 'requester', b -> 'other_parent')
    );
  END IF;
  IF jsonb_typeof(a -> 'other_parent') = 'object' THEN
    crossed := array_append(
      crossed, ikodesk_fm_compare_persons(b -> 'requester', a -> 'other_parent')
    );
  END IF;
  found := ARRAY(SELECT m FROM unnest(crossed) AS m WHERE m IN ('strong', 'contact', 'name'));
  differ := (SELECT count(*) FROM unnest(crossed) AS m WHERE m = 'different');
  score := score
    + coalesce((
      SELECT sum(CASE m WHEN 'name' THEN ikodesk_fm_points('W_PERSON_NAME')
                        ELSE ikodesk_fm_points('W_PERSON_STRONG') END)::integer
      FROM unnest(found) AS m
    ), 0)
    + differ * ikodesk_fm_points('W_PERSON_DIFFERS');
  IF cardinality(found) > 0 THEN
    -- Each kind of evidence once, in this order.
    basis := array_to_string(ARRAY(
      SELECT k.text FROM (VALUES
        (1, 'strong', 'naam en geboortedatum'),
        (2, 'contact', 'telefoon of e-mail'),
        (3, 'name', 'naam')
      ) AS k(n, match, text)
      WHERE k.match = ANY (found)
      ORDER BY k.n
    ), ' / ');
    IF cardinality(found) = 2 THEN
      parts := array_append(parts, format('beide ouders over en weer genoemd (%s)', basis));
    ELSE
      parts := array_append(
        parts, format('aanvrager is de andere ouder in de andere zaak (%s)', basis)
      );
    END IF;
  END IF;
  IF differ > 0 THEN
    contradiction := true;
    parts := array_append(parts, 'andere ouder wijkt af');
  END IF;

  IF opposed = 'opposite_sides' THEN
    parts := array_append(parts, format(
      'tegengestelde kanten (%s en %s)',
      CASE a -> 'requester' ->> 'side_group' WHEN 'taking' THEN 'meenemend'
        ELSE 'achterblijvend' END,
      CASE b -> 'requester' ->> 'side_group' WHEN 'taking' THEN 'meenemend'
        ELSE 'achterblijvend' END
    ));
    needed := ikodesk_fm_points('CONFLICT_SCORE');
  ELSIF opposed = 'both_parents' THEN
    parts := array_append(parts, 'beide ouders vragen advies');
    needed := ikodesk_fm_points('CONFLICT_SCORE_WITHOUT_SIDES');
  ELSE
    parts := array_append(parts, 'beide aanvragers staan aan dezelfde kant');
  END IF;

  reason := array_to_string(parts, '; ');
  IF needed IS NOT NULL AND score >= needed AND NOT contradiction THEN
    RETURN jsonb_build_object('status', 'conflict', 'score', score, 'reason', reason);
  END IF;
  IF score >= ikodesk_fm_points('REVIEW_SCORE') THEN
    RETURN jsonb_build_object(
      'status', 'review', 'score', score, 'reason', 'zwakke overeenkomst: ' || reason
    );
  END IF;
  RETURN NULL;
END
$$;
