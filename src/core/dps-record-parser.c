/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-core"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "dps-record-parser.h"
#include "dps-record-parser-private.h"
#include "dps-rules.h"
#include "dps-transaction-json.h"

struct _DpsRecordParser
{
  GObject     parent_instance;

  /* Owned references: one JSON parser reloaded for every line that the
   * fast path leaves to it, and a copy of the line for the fast path. */
  JsonParser *json;
  GString    *scratch;

  /* Configuration */
  gsize       max_line_length;
  gboolean    fast_path;
};

G_DEFINE_FINAL_TYPE (DpsRecordParser, dps_record_parser, G_TYPE_OBJECT)

/* Members of the root object whose integer literals are checked against
 * the gint64 range before json-glib, which silently wraps larger ones. */
enum {
  WATCH_USER_ID = 1 << 0,
  WATCH_AMOUNT  = 1 << 1,
};

/* The JSON type of a member's value, as the field rules see it. */
typedef enum {
  VALUE_ABSENT = 0,
  VALUE_NULL,
  VALUE_STRING,
  VALUE_INTEGER,
  VALUE_DOUBLE,
  VALUE_BOOLEAN,
  VALUE_OBJECT,
  VALUE_ARRAY,
} ValueKind;

/* One member of the record, decoded enough for the field rules. */
typedef struct {
  ValueKind   kind;
  const char *string;    /* VALUE_STRING: NUL-terminated, unescaped */
  gint64      integer;   /* VALUE_INTEGER */
  double      number;    /* VALUE_DOUBLE */
} FieldValue;

#define N_FIELDS 10

/* Where the syntax check saw a field's last value in the root object:
 * [start, end) of the string contents or of the number's text. */
typedef struct {
  ValueKind   kind;
  const char *start;
  const char *end;
} FieldSpan;

/* What the syntax check found. */
typedef struct {
  const char      *problem;        /* NULL when the text is clean */
  DpsRejectReason  reason;         /* malformed_json or invalid_utf8 */
  gsize            offset;         /* of the problem, from the start of the text */
  char             character;      /* the unexpected one, when printable ASCII */
  guint            huge_positive;  /* WATCH_* members whose value is an integer > G_MAXINT64 */
  guint            huge_negative;  /* … a negative integer of 19 digits or more */

  /* The root object's fields, for reading them without json-glib. Only
   * valid when @spans_usable: the root is an object, no key of it and no
   * string of a field holds an escape (those go through json-glib). */
  gboolean         root_object;
  gboolean         spans_usable;
  FieldSpan        spans[N_FIELDS];
} JsonScan;

typedef enum {
  EXPECT_VALUE,
  EXPECT_VALUE_OR_CLOSE,   /* just after '[' */
  EXPECT_KEY,
  EXPECT_KEY_OR_CLOSE,     /* just after '{' */
  EXPECT_COLON,
  EXPECT_COMMA_OR_CLOSE,
  EXPECT_END,
} ScanState;

typedef enum {
  FIELD_STRING,
  FIELD_NUMBER,
} FieldKind;

typedef gboolean (*FieldApply) (const FieldValue *value,
                                DpsTransaction   *tx,
                                DpsRuleFailure   *failure);

typedef struct {
  const char *name;
  FieldKind   kind;
  const char *expected;       /* for wrong_type: "a string" */
  guint       watch;          /* WATCH_* bit, or 0 */
  const char *too_large;      /* problem for a watched integer above G_MAXINT64 */
  FieldApply  apply;
  void      (*absent) (DpsTransaction *tx);   /* NULL: the field is required */
} FieldRule;

static const char utf8_bom[] = "\xEF\xBB\xBF";

/* The record's fields, in the order their rules are checked. */
static const char *const field_names[N_FIELDS] = {
  "transaction_id", "event_ts", "user_id", "amount", "merchant",
  "category", "city", "status", "payment_method", "currency",
};

/* Index in field_names of an unescaped key, or -1. */
static int
field_for_key (const char *p,
               const char *end)
{
  gsize length = (gsize) (end - p);

  /* Tell the names apart by length and first letter before comparing. */
  switch (length)
    {
    case 4:
      return memcmp (p, "city", 4) == 0 ? 6 : -1;
    case 6:
      if (*p == 'a')
        return memcmp (p, "amount", 6) == 0 ? 3 : -1;
      return memcmp (p, "status", 6) == 0 ? 7 : -1;
    case 7:
      return memcmp (p, "user_id", 7) == 0 ? 2 : -1;
    case 8:
      if (*p == 'e')
        return memcmp (p, "event_ts", 8) == 0 ? 1 : -1;
      if (*p == 'm')
        return memcmp (p, "merchant", 8) == 0 ? 4 : -1;
      if (*p == 'c')
        {
          if (memcmp (p, "category", 8) == 0)
            return 5;
          return memcmp (p, "currency", 8) == 0 ? 9 : -1;
        }
      return -1;
    case 14:
      if (*p == 'p')
        return memcmp (p, "payment_method", 14) == 0 ? 8 : -1;
      return memcmp (p, "transaction_id", 14) == 0 ? 0 : -1;
    default:
      return -1;
    }
}

/* Strict JSON syntax check (RFC 8259), run before json-glib.
 *
 * json-glib accepts far more than JSON: comments, single-quoted strings,
 * hexadecimal and octal numbers, "- 5", ".5", raw control characters in
 * strings, unknown escapes, text after the root value; it wraps integers
 * beyond gint64 around, and its recursive descent would overflow the
 * stack on deep nesting. Checking the syntax here first means json-glib
 * only ever sees well-formed, shallow JSON. */

static gboolean
scan_fail (JsonScan        *scan,
           DpsRejectReason  reason,
           const char      *problem,
           const char      *text,
           const char      *at)
{
  scan->reason = reason;
  scan->problem = problem;
  scan->offset = (gsize) (at - text);
  return FALSE;
}

static inline gboolean
is_json_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* What may follow a number or a literal. */
static inline gboolean
is_delimiter (char c)
{
  return is_json_space (c) || c == ',' || c == ']' || c == '}';
}

static inline gboolean
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

/* Compares a key as written (escapes and all) with an ASCII name. */
static gboolean
raw_key_equals (const char *p,
                const char *end,
                const char *name)
{
  while (p < end)
    {
      gunichar c;

      if (*p != '\\')
        c = (guchar) *p++;
      else if (p[1] == 'u')
        {
          c = 0;
          for (guint i = 2; i < 6; i++)
            c = c * 16 + (gunichar) g_ascii_xdigit_value (p[i]);
          p += 6;
        }
      else
        {
          switch (p[1])
            {
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            default: c = (guchar) p[1]; break;
            }
          p += 2;
        }

      if (*name == '\0' || c != (guchar) *name)
        return FALSE;
      name++;
    }
  return *name == '\0';
}

static guint
watch_for_key (const char *p,
               const char *end,
               gboolean    has_escape)
{
  gsize length = (gsize) (end - p);

  if (!has_escape)
    {
      if (length == 7 && memcmp (p, "user_id", 7) == 0)
        return WATCH_USER_ID;
      if (length == 6 && memcmp (p, "amount", 6) == 0)
        return WATCH_AMOUNT;
      return 0;
    }
  if (raw_key_equals (p, end, "user_id"))
    return WATCH_USER_ID;
  if (raw_key_equals (p, end, "amount"))
    return WATCH_AMOUNT;
  return 0;
}

/* *pp is on the opening quote; on success it is moved past the closing
 * one and [*out_start, *out_end) holds the contents. An escaped NUL or an
 * unpaired surrogate is valid JSON syntax that cannot become valid UTF-8
 * text: it is noted in @scan (the first one only) and scanning goes on. */
static gboolean
scan_string (const char  *text,
             const char **pp,
             const char  *end,
             const char **out_start,
             const char **out_end,
             gboolean    *has_escape,
             const char **unicode_problem,
             const char **unicode_at,
             JsonScan    *scan)
{
  const char *p = *pp + 1;
  gboolean pending_high = FALSE;   /* the last escape was a high surrogate */

  *out_start = p;
  *has_escape = FALSE;

  while (p < end)
    {
      guchar c = (guchar) *p;
      guint value;

      if (c != '\\')
        {
          if (G_UNLIKELY (pending_high) && *unicode_problem == NULL)
            {
              *unicode_problem = "unpaired UTF-16 surrogate escape in a string";
              *unicode_at = p;
            }
          pending_high = FALSE;

          if (c == '"')
            {
              *out_end = p;
              *pp = p + 1;
              return TRUE;
            }
          if (c < 0x20)
            return scan_fail (scan, DPS_REJECT_MALFORMED_JSON,
                              "control character in a string", text, p);
          p++;
          continue;
        }

      *has_escape = TRUE;
      if (end - p < 2)
        break;

      switch (p[1])
        {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          if (pending_high && *unicode_problem == NULL)
            {
              *unicode_problem = "unpaired UTF-16 surrogate escape in a string";
              *unicode_at = p;
            }
          pending_high = FALSE;
          p += 2;
          break;

        case 'u':
          value = 0;
          if (end - p < 6)
            return scan_fail (scan, DPS_REJECT_MALFORMED_JSON,
                              "invalid escape sequence in a string", text, p);
          for (guint i = 2; i < 6; i++)
            {
              int digit = g_ascii_xdigit_value (p[i]);

              if (digit < 0)
                return scan_fail (scan, DPS_REJECT_MALFORMED_JSON,
                                  "invalid escape sequence in a string", text, p);
              value = value * 16 + (guint) digit;
            }

          if (pending_high && value >= 0xDC00 && value <= 0xDFFF)
            pending_high = FALSE;
          else
            {
              const char *problem = NULL;

              if (pending_high || (value >= 0xDC00 && value <= 0xDFFF))
                problem = "unpaired UTF-16 surrogate escape in a string";
              else if (value == 0)
                problem = "escaped NUL character in a string";
              if (problem != NULL && *unicode_problem == NULL)
                {
                  *unicode_problem = problem;
                  *unicode_at = p;
                }
              pending_high = value >= 0xD800 && value <= 0xDBFF;
            }
          p += 6;
          break;

        default:
          return scan_fail (scan, DPS_REJECT_MALFORMED_JSON,
                            "invalid escape sequence in a string", text, p);
        }
    }

  return scan_fail (scan, DPS_REJECT_MALFORMED_JSON, "unterminated string", text, end);
}

/* *pp is on '-' or a digit. @huge is set to 1 (or -1) for an integer
 * above G_MAXINT64 (or a negative one of 19 digits or more), else 0;
 * @is_integer to whether it has neither fraction nor exponent. */
static gboolean
scan_number (const char  *text,
             const char **pp,
             const char  *end,
             int         *huge,
             gboolean    *is_integer,
             JsonScan    *scan)
{
  const char *p = *pp;
  const char *digits;
  gboolean negative = FALSE;
  gboolean integer = TRUE;
  gsize n_digits;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }
  digits = p;
  if (p == end || !is_digit (*p))
    return scan_fail (scan, DPS_REJECT_MALFORMED_JSON, "invalid number", text, *pp);
  if (*p == '0')
    p++;
  else
    while (p < end && is_digit (*p))
      p++;
  n_digits = (gsize) (p - digits);

  if (p < end && *p == '.')
    {
      integer = FALSE;
      p++;
      if (p == end || !is_digit (*p))
        return scan_fail (scan, DPS_REJECT_MALFORMED_JSON, "invalid number", text, *pp);
      while (p < end && is_digit (*p))
        p++;
    }
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      integer = FALSE;
      p++;
      if (p < end && (*p == '+' || *p == '-'))
        p++;
      if (p == end || !is_digit (*p))
        return scan_fail (scan, DPS_REJECT_MALFORMED_JSON, "invalid number", text, *pp);
      while (p < end && is_digit (*p))
        p++;
    }
  if (p < end && !is_delimiter (*p))
    return scan_fail (scan, DPS_REJECT_MALFORMED_JSON, "invalid number", text, *pp);

  *huge = 0;
  if (integer)
    {
      if (negative && n_digits >= 19)
        *huge = -1;
      else if (!negative &&
               (n_digits > 19 ||
                (n_digits == 19 && memcmp (digits, "9223372036854775807", 19) > 0)))
        *huge = 1;
    }

  *is_integer = integer;
  *pp = p;
  return TRUE;
}

static gboolean
scan_literal (const char  *text,
              const char **pp,
              const char  *end,
              ValueKind   *kind,
              JsonScan    *scan)
{
  static const char *const words[] = { "true", "false", "null" };
  static const ValueKind kinds[] = { VALUE_BOOLEAN, VALUE_BOOLEAN, VALUE_NULL };
  const char *p = *pp;

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      gsize length = strlen (words[i]);

      if ((gsize) (end - p) >= length && memcmp (p, words[i], length) == 0 &&
          (p + length == end || is_delimiter (p[length])))
        {
          *kind = kinds[i];
          *pp = p + length;
          return TRUE;
        }
    }
  return scan_fail (scan, DPS_REJECT_MALFORMED_JSON, "invalid literal", text, p);
}

static gboolean
scan_json (const char *text,
           gsize       length,
           JsonScan   *scan)
{
  const char *p = text;
  const char *end = text + length;
  const char *unicode_problem = NULL;
  const char *unicode_at = NULL;
  ScanState state = EXPECT_VALUE;
  guint64 objects = 0;   /* bit d: the container at depth d + 1 is an object */
  guint depth = 0;
  guint watch = 0;       /* WATCH_* bit of the current root member */
  int field = -1;        /* field_names index of the current root member */

  G_STATIC_ASSERT (DPS_MAX_JSON_DEPTH <= 64);

  memset (scan, 0, sizeof *scan);
  scan->spans_usable = TRUE;

  while (p < end)
    {
      const char *start, *stop;
      gboolean has_escape, in_object, is_integer;
      ValueKind kind;
      int huge;
      /* The value starting here is a field's, in the root object. */
      gboolean field_value = depth == 1 && field >= 0 && state == EXPECT_VALUE && scan->root_object;

      if (is_json_space (*p))
        {
          p++;
          continue;
        }

      if (state == EXPECT_END)
        return scan_fail (scan, DPS_REJECT_MALFORMED_JSON,
                          "unexpected text after the JSON value", text, p);

      switch (*p)
        {
        case '{':
        case '[':
          if (state != EXPECT_VALUE && state != EXPECT_VALUE_OR_CLOSE)
            goto unexpected;
          if (depth == DPS_MAX_JSON_DEPTH)
            return scan_fail (scan, DPS_REJECT_MALFORMED_JSON,
                              "nesting deeper than " G_STRINGIFY (DPS_MAX_JSON_DEPTH) " levels",
                              text, p);
          if (*p == '{')
            objects |= G_GUINT64_CONSTANT (1) << depth;
          else
            objects &= ~(G_GUINT64_CONSTANT (1) << depth);
          if (depth == 0)
            scan->root_object = *p == '{';
          else if (field_value)
            {
              scan->spans[field].kind = *p == '{' ? VALUE_OBJECT : VALUE_ARRAY;
              scan->spans[field].start = scan->spans[field].end = p;
            }
          depth++;
          state = *p == '{' ? EXPECT_KEY_OR_CLOSE : EXPECT_VALUE_OR_CLOSE;
          p++;
          break;

        case '}':
        case ']':
          if (depth == 0)
            goto unexpected;
          in_object = (objects >> (depth - 1)) & 1;
          if (*p == '}' ? !in_object || (state != EXPECT_KEY_OR_CLOSE && state != EXPECT_COMMA_OR_CLOSE)
                        : in_object || (state != EXPECT_VALUE_OR_CLOSE && state != EXPECT_COMMA_OR_CLOSE))
            goto unexpected;
          depth--;
          state = depth == 0 ? EXPECT_END : EXPECT_COMMA_OR_CLOSE;
          p++;
          break;

        case ',':
          if (state != EXPECT_COMMA_OR_CLOSE)
            goto unexpected;
          state = ((objects >> (depth - 1)) & 1) ? EXPECT_KEY : EXPECT_VALUE;
          p++;
          break;

        case ':':
          if (state != EXPECT_COLON)
            goto unexpected;
          state = EXPECT_VALUE;
          p++;
          break;

        case '"':
          if (state == EXPECT_KEY || state == EXPECT_KEY_OR_CLOSE)
            {
              if (!scan_string (text, &p, end, &start, &stop, &has_escape,
                                &unicode_problem, &unicode_at, scan))
                return FALSE;
              if (depth == 1)
                {
                  /* A later duplicate key wins, in json-glib too. */
                  watch = watch_for_key (start, stop, has_escape);
                  scan->huge_positive &= ~watch;
                  scan->huge_negative &= ~watch;
                  /* An escaped key may spell a field's name: json-glib
                   * decodes it. */
                  if (has_escape)
                    scan->spans_usable = FALSE;
                  field = has_escape ? -1 : field_for_key (start, stop);
                }
              state = EXPECT_COLON;
              break;
            }
          if (state != EXPECT_VALUE && state != EXPECT_VALUE_OR_CLOSE)
            goto unexpected;
          if (!scan_string (text, &p, end, &start, &stop, &has_escape,
                            &unicode_problem, &unicode_at, scan))
            return FALSE;
          if (field_value)
            {
              /* Escaped text is json-glib's to decode. */
              if (has_escape)
                scan->spans_usable = FALSE;
              scan->spans[field].kind = VALUE_STRING;
              scan->spans[field].start = start;
              scan->spans[field].end = stop;
            }
          state = depth == 0 ? EXPECT_END : EXPECT_COMMA_OR_CLOSE;
          break;

        case '-': case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
          if (state != EXPECT_VALUE && state != EXPECT_VALUE_OR_CLOSE)
            goto unexpected;
          start = p;
          if (!scan_number (text, &p, end, &huge, &is_integer, scan))
            return FALSE;
          if (field_value)
            {
              scan->spans[field].kind = is_integer ? VALUE_INTEGER : VALUE_DOUBLE;
              scan->spans[field].start = start;
              scan->spans[field].end = p;
            }
          if (depth == 1 && huge > 0)
            scan->huge_positive |= watch;
          else if (depth == 1 && huge < 0)
            scan->huge_negative |= watch;
          state = depth == 0 ? EXPECT_END : EXPECT_COMMA_OR_CLOSE;
          break;

        case 't':
        case 'f':
        case 'n':
          if (state != EXPECT_VALUE && state != EXPECT_VALUE_OR_CLOSE)
            goto unexpected;
          if (!scan_literal (text, &p, end, &kind, scan))
            return FALSE;
          if (field_value)
            {
              scan->spans[field].kind = kind;
              scan->spans[field].start = scan->spans[field].end = p;
            }
          state = depth == 0 ? EXPECT_END : EXPECT_COMMA_OR_CLOSE;
          break;

        default:
          goto unexpected;
        }
    }

  if (state != EXPECT_END)
    return scan_fail (scan, DPS_REJECT_MALFORMED_JSON, "unexpected end of line", text, p);
  if (unicode_problem != NULL)
    return scan_fail (scan, DPS_REJECT_INVALID_UTF8, unicode_problem, text, unicode_at);
  return TRUE;

unexpected:
  if (g_ascii_isgraph (*p))
    scan->character = *p;
  return scan_fail (scan, DPS_REJECT_MALFORMED_JSON, "unexpected character", text, p);
}

/* Field rules, in the order they are checked. */

static const char *
value_type_name (const FieldValue *value)
{
  switch (value->kind)
    {
    case VALUE_OBJECT:
      return "an object";
    case VALUE_ARRAY:
      return "an array";
    case VALUE_NULL:
    case VALUE_ABSENT:
      return "null";
    case VALUE_STRING:
      return "a string";
    case VALUE_BOOLEAN:
      return "a boolean";
    case VALUE_INTEGER:
    case VALUE_DOUBLE:
    default:
      return "a number";
    }
}

static gboolean
value_has_kind (const FieldValue *value,
                FieldKind         kind)
{
  if (kind == FIELD_STRING)
    return value->kind == VALUE_STRING;
  return value->kind == VALUE_INTEGER || value->kind == VALUE_DOUBLE;
}

static gboolean
apply_transaction_id (const FieldValue *value,
                      DpsTransaction   *tx,
                      DpsRuleFailure   *failure)
{
  return dps_rules_transaction_id (value->string, tx->id, failure);
}

static gboolean
apply_event_ts (const FieldValue *value,
                DpsTransaction   *tx,
                DpsRuleFailure   *failure)
{
  return dps_rules_event_ts (value->string, &tx->event_ts, failure);
}

static gboolean
apply_user_id (const FieldValue *value,
               DpsTransaction   *tx,
               DpsRuleFailure   *failure)
{
  if (value->kind == VALUE_INTEGER)
    return dps_rules_user_id_from_int (value->integer, &tx->user_id, failure);
  return dps_rules_user_id_from_double (value->number, &tx->user_id, failure);
}

static gboolean
apply_amount (const FieldValue *value,
              DpsTransaction   *tx,
              DpsRuleFailure   *failure)
{
  if (value->kind == VALUE_INTEGER)
    return dps_rules_amount_from_int (value->integer, &tx->amount_cents, failure);
  return dps_rules_amount_from_double (value->number, &tx->amount_cents, failure);
}

static gboolean
apply_merchant (const FieldValue *value,
                DpsTransaction   *tx,
                DpsRuleFailure   *failure)
{
  return dps_rules_text (value->string, FALSE, &tx->merchant, failure);
}

static gboolean
apply_category (const FieldValue *value,
                DpsTransaction   *tx,
                DpsRuleFailure   *failure)
{
  return dps_rules_text (value->string, TRUE, &tx->category, failure);
}

static gboolean
apply_city (const FieldValue *value,
            DpsTransaction   *tx,
            DpsRuleFailure   *failure)
{
  return dps_rules_text (value->string, FALSE, &tx->city, failure);
}

static gboolean
apply_status (const FieldValue *value,
              DpsTransaction   *tx,
              DpsRuleFailure   *failure)
{
  return dps_rules_status (value->string, &tx->status, failure);
}

static gboolean
apply_payment_method (const FieldValue *value,
                      DpsTransaction   *tx,
                      DpsRuleFailure   *failure)
{
  return dps_rules_payment_method (value->string, &tx->payment_method, failure);
}

static gboolean
apply_currency (const FieldValue *value,
                DpsTransaction   *tx,
                DpsRuleFailure   *failure)
{
  return dps_rules_currency (value->string, tx->currency, failure);
}

static void
default_currency (DpsTransaction *tx)
{
  memcpy (tx->currency, "EUR", 4);
}

/* In the order of field_names. */
static const FieldRule field_rules[] = {
  { "transaction_id", FIELD_STRING, "a string",    0, NULL, apply_transaction_id, NULL },
  { "event_ts",       FIELD_STRING, "a string",    0, NULL, apply_event_ts, NULL },
  { "user_id",        FIELD_NUMBER, "an integer",  WATCH_USER_ID,
    "must be at most 4611686018427387903", apply_user_id, NULL },
  { "amount",         FIELD_NUMBER, "a number",    WATCH_AMOUNT,
    "must be at most 9999999999.99", apply_amount, NULL },
  { "merchant",       FIELD_STRING, "a string",    0, NULL, apply_merchant, NULL },
  { "category",       FIELD_STRING, "a string",    0, NULL, apply_category, NULL },
  { "city",           FIELD_STRING, "a string",    0, NULL, apply_city, NULL },
  { "status",         FIELD_STRING, "a string",    0, NULL, apply_status, NULL },
  { "payment_method", FIELD_STRING, "a string",    0, NULL, apply_payment_method, NULL },
  { "currency",       FIELD_STRING, "a string",    0, NULL, apply_currency, default_currency },
};
G_STATIC_ASSERT (G_N_ELEMENTS (field_rules) == N_FIELDS);

/* Reading the fields */

/* From json-glib's tree (the general path). */
static void
value_from_node (JsonNode   *node,
                 FieldValue *value)
{
  GType type;

  memset (value, 0, sizeof *value);
  if (node == NULL)
    {
      value->kind = VALUE_ABSENT;
      return;
    }
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      value->kind = VALUE_OBJECT;
      return;
    case JSON_NODE_ARRAY:
      value->kind = VALUE_ARRAY;
      return;
    case JSON_NODE_NULL:
      value->kind = VALUE_NULL;
      return;
    case JSON_NODE_VALUE:
    default:
      break;
    }

  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    {
      value->kind = VALUE_STRING;
      value->string = json_node_get_string (node);
    }
  else if (type == G_TYPE_BOOLEAN)
    value->kind = VALUE_BOOLEAN;
  else if (type == G_TYPE_INT64)
    {
      value->kind = VALUE_INTEGER;
      value->integer = json_node_get_int (node);
    }
  else
    {
      value->kind = VALUE_DOUBLE;
      value->number = json_node_get_double (node);
    }
}

static void
values_from_object (JsonObject *object,
                    FieldValue  values[N_FIELDS])
{
  for (guint i = 0; i < N_FIELDS; i++)
    value_from_node (json_object_get_member (object, field_names[i]), &values[i]);
}

/* From the spans the syntax check noted (the fast path): @copy is a
 * writable copy of the text the spans point into, starting at @text,
 * where strings are cut with a NUL at their closing quote. Numbers are
 * read as json-glib reads them: integers exactly, others with strtod. */
static void
values_from_spans (const JsonScan *scan,
                   const char     *text,
                   char           *copy,
                   FieldValue      values[N_FIELDS])
{
  for (guint i = 0; i < N_FIELDS; i++)
    {
      const FieldSpan *span = &scan->spans[i];
      FieldValue *value = &values[i];

      memset (value, 0, sizeof *value);
      value->kind = span->kind;
      switch (span->kind)
        {
        case VALUE_STRING:
          copy[span->end - text] = '\0';
          value->string = copy + (span->start - text);
          break;

        case VALUE_INTEGER:
          {
            const char *p = span->start;
            gboolean negative = *p == '-';
            guint64 magnitude = 0;

            /* Integers beyond gint64 are flagged by the scan; only a
             * watched field's value is used, and then never a huge one. */
            if (negative)
              p++;
            for (; p < span->end; p++)
              magnitude = magnitude * 10 + (guint64) (*p - '0');
            value->integer = negative ? (gint64) (G_GUINT64_CONSTANT (0) - magnitude) : (gint64) magnitude;
          }
          break;

        case VALUE_DOUBLE:
          /* strtod stops at the delimiter that ends a JSON number. */
          value->number = g_ascii_strtod (copy + (span->start - text), NULL);
          break;

        case VALUE_ABSENT:
        case VALUE_NULL:
        case VALUE_BOOLEAN:
        case VALUE_OBJECT:
        case VALUE_ARRAY:
        default:
          break;
        }
    }
}

/* Rejects */

static gboolean
reject_line (DpsReject       *reject,
             DpsRejectReason  reason,
             const char      *field,
             char            *detail,
             const char      *line,
             gsize            length,
             gsize            full_length)
{
  reject->reason = reason;
  g_free (reject->detail);
  reject->detail = detail;
  g_free (reject->field);
  reject->field = g_strdup (field);
  dps_reject_set_raw (reject, line, length);
  reject->raw_length = full_length;
  reject->event_ts = G_MININT64;
  g_clear_pointer (&reject->transaction_id, g_free);
  return FALSE;
}

/* Keeps what can still be read of a record that broke a field rule, so
 * that rejects can be found by id and by date. */
static void
salvage_identity (const FieldValue  values[N_FIELDS],
                  DpsReject        *reject)
{
  const FieldValue *id = &values[0];
  const FieldValue *when = &values[1];
  DpsRuleFailure ignored;
  gint64 usec;

  if (id->kind == VALUE_STRING)
    reject->transaction_id = g_strdup (id->string);
  if (when->kind == VALUE_STRING && dps_rules_event_ts (when->string, &usec, &ignored))
    reject->event_ts = usec;
}

static void
dps_record_parser_finalize (GObject *object)
{
  DpsRecordParser *self = (DpsRecordParser *) object;

  g_clear_object (&self->json);
  if (self->scratch != NULL)
    g_string_free (g_steal_pointer (&self->scratch), TRUE);

  G_OBJECT_CLASS (dps_record_parser_parent_class)->finalize (object);
}

static void
dps_record_parser_class_init (DpsRecordParserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dps_record_parser_finalize;
}

static void
dps_record_parser_init (DpsRecordParser *self)
{
  self->json = json_parser_new ();
  self->scratch = g_string_sized_new (512);
  self->max_line_length = DPS_DEFAULT_MAX_LINE_LENGTH;
  self->fast_path = TRUE;
}

DpsRecordParser *
dps_record_parser_new (void)
{
  return g_object_new (DPS_TYPE_RECORD_PARSER, NULL);
}

void
dps_record_parser_set_max_line_length (DpsRecordParser *self,
                                       gsize            max_line_length)
{
  g_return_if_fail (DPS_IS_RECORD_PARSER (self));
  g_return_if_fail (max_line_length > 0);

  self->max_line_length = max_line_length;
}

gsize
dps_record_parser_get_max_line_length (DpsRecordParser *self)
{
  g_return_val_if_fail (DPS_IS_RECORD_PARSER (self), 0);

  return self->max_line_length;
}

gboolean
dps_record_parser_parse (DpsRecordParser *self,
                         const char      *line,
                         gsize            length,
                         gsize            full_length,
                         DpsTransaction  *tx,
                         DpsReject       *reject)
{
  g_autoptr(GError) error = NULL;
  const char *text, *end, *invalid;
  gsize text_length;
  JsonScan scan;
  JsonNode *root;
  FieldValue values[N_FIELDS];

  g_return_val_if_fail (DPS_IS_RECORD_PARSER (self), FALSE);
  g_return_val_if_fail (line != NULL || length == 0, FALSE);
  g_return_val_if_fail (tx != NULL, FALSE);
  g_return_val_if_fail (reject != NULL, FALSE);

  if (line == NULL)
    line = "";
  full_length = MAX (full_length, length);

  if (full_length > self->max_line_length)
    return reject_line (reject, DPS_REJECT_LINE_TOO_LONG, NULL,
                        g_strdup_printf ("line is %" G_GSIZE_FORMAT " bytes long, "
                                         "more than the limit of %" G_GSIZE_FORMAT,
                                         full_length, self->max_line_length),
                        line, length, full_length);

  /* Also refuses NUL bytes. */
  if (!g_utf8_validate_len (line, length, &invalid))
    return reject_line (reject, DPS_REJECT_INVALID_UTF8, NULL,
                        g_strdup_printf (*invalid == '\0' ? "NUL byte at byte %" G_GSIZE_FORMAT
                                                          : "invalid UTF-8 at byte %" G_GSIZE_FORMAT,
                                         (gsize) (invalid - line)),
                        line, length, full_length);

  /* Tolerate a byte order mark and surrounding whitespace. */
  text = line;
  end = line + length;
  if (length >= 3 && memcmp (line, utf8_bom, 3) == 0)
    text += 3;
  while (text < end && is_json_space (*text))
    text++;
  while (end > text && is_json_space (end[-1]))
    end--;
  text_length = (gsize) (end - text);

  if (text_length == 0)
    return reject_line (reject, DPS_REJECT_MALFORMED_JSON, NULL,
                        g_strdup ("the line is empty"), line, length, full_length);

  if (!scan_json (text, text_length, &scan))
    {
      gsize offset = (gsize) (text - line) + scan.offset;
      char *detail;

      if (scan.character != '\0')
        detail = g_strdup_printf ("%s '%c' at byte %" G_GSIZE_FORMAT,
                                  scan.problem, scan.character, offset);
      else
        detail = g_strdup_printf ("%s at byte %" G_GSIZE_FORMAT, scan.problem, offset);
      return reject_line (reject, scan.reason, NULL, detail, line, length, full_length);
    }

  if (scan.root_object && scan.spans_usable && self->fast_path)
    {
      /* The usual record: a flat object whose fields hold no escapes.
       * Read them from the spans the check noted, in a copy of the text
       * where each string can end with a NUL. */
      g_string_truncate (self->scratch, 0);
      g_string_append_len (self->scratch, text, (gssize) text_length);
      values_from_spans (&scan, text, self->scratch->str, values);
    }
  else
    {
      if (!json_parser_load_from_data (self->json, text, (gssize) text_length, &error))
        return reject_line (reject, DPS_REJECT_MALFORMED_JSON, NULL,
                            g_strdup (error->message), line, length, full_length);

      root = json_parser_get_root (self->json);
      if (root == NULL)
        return reject_line (reject, DPS_REJECT_MALFORMED_JSON, NULL,
                            g_strdup ("the line is empty"), line, length, full_length);
      if (!JSON_NODE_HOLDS_OBJECT (root))
        {
          FieldValue held;

          value_from_node (root, &held);
          return reject_line (reject, DPS_REJECT_NOT_OBJECT, NULL,
                              g_strdup_printf ("the line holds %s, not an object",
                                               value_type_name (&held)),
                              line, length, full_length);
        }
      values_from_object (json_node_get_object (root), values);
    }

  for (guint i = 0; i < N_FIELDS; i++)
    {
      const FieldRule *rule = &field_rules[i];
      const FieldValue *value = &values[i];
      DpsRuleFailure failure;
      char *detail;

      if (value->kind == VALUE_ABSENT || value->kind == VALUE_NULL)
        {
          if (rule->absent != NULL)
            {
              rule->absent (tx);
              continue;
            }
          detail = g_strdup_printf ("field \"%s\" is %s", rule->name,
                                    value->kind == VALUE_ABSENT ? "missing" : "null");
          failure.reason = DPS_REJECT_MISSING_FIELD;
        }
      else if (!value_has_kind (value, rule->kind))
        {
          detail = g_strdup_printf ("field \"%s\" must be %s, not %s", rule->name,
                                    rule->expected, value_type_name (value));
          failure.reason = DPS_REJECT_WRONG_TYPE;
        }
      else if ((scan.huge_positive | scan.huge_negative) & rule->watch)
        {
          detail = g_strdup_printf ("field \"%s\" %s", rule->name,
                                    (scan.huge_positive & rule->watch) ? rule->too_large
                                                                       : "must be greater than 0");
          failure.reason = DPS_REJECT_OUT_OF_RANGE;
        }
      else if (!rule->apply (value, tx, &failure))
        detail = g_strdup_printf ("field \"%s\" %s", rule->name, failure.problem);
      else
        continue;

      dps_transaction_clear (tx);
      reject_line (reject, failure.reason, rule->name, detail, line, length, full_length);
      salvage_identity (values, reject);
      return FALSE;
    }

  tx->payload = g_strndup (text, text_length);
  /* Checked here, on a parsing thread, so that the writer need not. */
  tx->payload_is_canonical = dps_transaction_json_matches (tx, text, text_length);
  dps_transaction_enrich (tx);
  return TRUE;
}

void
dps_record_parser_set_fast_path (DpsRecordParser *self,
                                 gboolean         enabled)
{
  g_return_if_fail (DPS_IS_RECORD_PARSER (self));

  self->fast_path = enabled;
}
