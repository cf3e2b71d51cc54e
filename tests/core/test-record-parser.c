/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dps-record-parser.h"
#include "dps-record-parser-private.h"

#define REF_ID    "0b6f3c2e-8a51-4c1e-9d0a-3f2b7c9e1a44"
#define REF_USEC  G_GINT64_CONSTANT (1795182312123456)   /* 2026-11-20T13:45:12.123456Z */
#define BOM       "\xEF\xBB\xBF"

/* The producer's example line from DESIGN.md, field by field. */
static const char *const reference[][2] = {
  { "transaction_id", "\"" REF_ID "\"" },
  { "event_ts",       "\"2026-11-20T13:45:12.123456+00:00\"" },
  { "user_id",        "1742" },
  { "amount",         "261.4" },
  { "merchant",       "\"Fnac\"" },
  { "category",       "\"electronics\"" },
  { "city",           "\"Lyon\"" },
  { "status",         "\"APPROVED\"" },
  { "payment_method", "\"card\"" },
  { "currency",       "\"EUR\"" },
};

typedef struct {
  const char      *name;

  /* The line: the reference record with field @set holding the JSON text
   * @to (dropped when @to is NULL) and @extra members appended, wrapped in
   * @prefix and @suffix; or, when @line is given, that literal text, of
   * @length bytes when it holds NUL bytes. */
  const char      *set;
  const char      *to;
  const char      *extra;
  const char      *prefix;
  const char      *suffix;
  const char      *line;
  gsize            length;
  gsize            full_length;   /* 0: the line's length */

  gboolean         ok;
  DpsRejectReason  reason;
  const char      *field;

  /* Checked on accepted lines; NULL or 0 means as in the reference. */
  const char      *ts;            /* UTC, as dps_format_timestamp() writes it… */
  const char      *date;          /* …with these, checked only when ts is set */
  int              hour;
  int              dow;           /* Monday = 0 */
  gint64           cents;
  const char      *bucket;        /* checked only when cents is set */
  gint64           user_id;
  const char      *merchant;
  const char      *category;
  const char      *city;
  const char      *status;
  const char      *method;
  const char      *currency;
  const char      *payload;       /* NULL: the line without prefix and suffix */
} ParseCase;

#define OK               .ok = TRUE
#define REJECT(r, f)     .ok = FALSE, .reason = DPS_REJECT_##r, .field = f

static const ParseCase cases[] = {
  /* Accepted lines and normalisation */
  { "valid", OK,
    .ts = "2026-11-20T13:45:12.123456Z", .date = "2026-11-20", .hour = 13, .dow = 4,
    .cents = 26140, .bucket = "250-500", .user_id = 1742, .merchant = "Fnac",
    .category = "electronics", .city = "Lyon", .status = "APPROVED", .method = "card",
    .currency = "EUR" },
  { "trim-merchant", .set = "merchant", .to = "\"  Fnac \\t\"", OK, .merchant = "Fnac" },
  { "trim-city", .set = "city", .to = "\"\\tSaint-Étienne  \"", OK, .city = "Saint-Étienne" },
  { "merchant-as-written", .set = "merchant", .to = "\"la FNAC\"", OK, .merchant = "la FNAC" },
  { "category-lower-case", .set = "category", .to = "\" ElecTRONICS \"", OK, .category = "electronics" },
  { "category-unicode-lower-case", .set = "category", .to = "\"ÉPICERIE\"", OK, .category = "épicerie" },
  { "status-case", .set = "status", .to = "\"approved\"", OK, .status = "APPROVED" },
  { "status-trim", .set = "status", .to = "\" Declined \"", OK, .status = "DECLINED" },
  { "payment-method-case", .set = "payment_method", .to = "\"Bank_Transfer\"", OK, .method = "bank_transfer" },
  { "payment-method-wallet", .set = "payment_method", .to = "\"WALLET\"", OK, .method = "wallet" },
  { "currency-default", .set = "currency", .to = NULL, OK, .currency = "EUR" },
  { "currency-null-default", .set = "currency", .to = "null", OK, .currency = "EUR" },
  { "currency-upper-case", .set = "currency", .to = "\"usd\"", OK, .currency = "USD" },
  { "utc-from-plus-two", .set = "event_ts", .to = "\"2026-11-20T01:30:00+02:00\"", OK,
    .ts = "2026-11-19T23:30:00.000000Z", .date = "2026-11-19", .hour = 23, .dow = 3 },
  { "utc-from-minus-five", .set = "event_ts", .to = "\"2026-11-22T23:30:00.5-05:00\"", OK,
    .ts = "2026-11-23T04:30:00.500000Z", .date = "2026-11-23", .hour = 4, .dow = 0 },
  { "utc-zulu-sunday", .set = "event_ts", .to = "\"2026-11-22T00:00:00Z\"", OK,
    .ts = "2026-11-22T00:00:00.000000Z", .date = "2026-11-22", .hour = 0, .dow = 6 },
  { "exact-cents-19.99", .set = "amount", .to = "19.99", OK, .cents = 1999, .bucket = "<20" },
  { "exact-cents-0.1-plus-0.2", .set = "amount", .to = "0.30000000000000004", OK, .cents = 30, .bucket = "<20" },
  { "exact-cents-large", .set = "amount", .to = "12345678.91", OK, .cents = 1234567891, .bucket = ">=500" },
  { "amount-integer", .set = "amount", .to = "20", OK, .cents = 2000, .bucket = "20-100" },
  { "amount-exponent", .set = "amount", .to = "2.5e2", OK, .cents = 25000, .bucket = "250-500" },
  { "amount-smallest", .set = "amount", .to = "0.01", OK, .cents = 1, .bucket = "<20" },
  { "amount-largest", .set = "amount", .to = "9999999999.99", OK, .cents = G_GINT64_CONSTANT (999999999999), .bucket = ">=500" },
  { "amount-bucket-100", .set = "amount", .to = "100.0", OK, .cents = 10000, .bucket = "100-250" },
  { "user-id-integral-double", .set = "user_id", .to = "1742.0", OK, .user_id = 1742 },
  { "user-id-exponent", .set = "user_id", .to = "1.5e3", OK, .user_id = 1500 },
  { "user-id-largest", .set = "user_id", .to = "4611686018427387903", OK, .user_id = G_MAXINT64 / 2 },
  { "uuid-upper-case", .set = "transaction_id", .to = "\"0B6F3C2E-8A51-4C1E-9D0A-3F2B7C9E1A44\"", OK },
  { "bom", .prefix = BOM, OK },
  { "surrounding-whitespace", .prefix = "  \t", .suffix = " \t\r", OK },
  { "bom-and-whitespace", .prefix = BOM " ", .suffix = "\r\n", OK },
  { "extra-fields-kept", .extra = ", \"note\": \"vip\", \"tags\": [1, {\"a\": null}]", OK },
  { "escapes-decoded", .set = "merchant", .to = "\"Caf\\u00e9 \\\"Le Zinc\\\" \\ud83d\\ude00\"", OK,
    .merchant = "Café \"Le Zinc\" 😀" },
  { "duplicate-key-last-wins", .extra = ", \"amount\": 12.5", OK, .cents = 1250, .bucket = "<20" },
  { "huge-then-valid-user-id", .set = "user_id", .to = "99999999999999999999",
    .extra = ", \"user_id\": 7", OK, .user_id = 7 },
  { "deepest-nesting", OK,
    .extra = ", \"deep\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]" },
  { "field-order-free",
    .line = "{\"currency\":\"EUR\",\"payment_method\":\"card\",\"status\":\"PENDING\",\"city\":\"Lyon\","
            "\"category\":\"books\",\"merchant\":\"Fnac\",\"amount\":5,\"user_id\":1,"
            "\"event_ts\":\"2026-11-20T13:45:12.123456Z\",\"transaction_id\":\"" REF_ID "\"}",
    OK, .status = "PENDING", .category = "books", .cents = 500, .bucket = "<20", .user_id = 1 },

  /* Read straight from the text, or left to json-glib: the same result. */
  { "duplicate-key-object-then-string", .set = "city", .to = "{\"name\": \"Paris\"}",
    .extra = ", \"city\": \"Lyon\"", OK },
  { "duplicate-key-string-then-null", .extra = ", \"currency\": null", OK, .currency = "EUR" },
  { "nested-field-names-ignored", .extra = ", \"meta\": {\"amount\": \"x\", \"city\": null, \"user_id\": [1]}", OK },
  { "escaped-unknown-key", .extra = ", \"n\\u006fte\": \"vip\"", OK },
  { "escaped-field-key", .set = "city", .to = NULL, .extra = ", \"c\\u0069ty\": \"Lyon\"", OK },
  { "escape-in-unknown-value", .extra = ", \"note\": \"say \\\"hi\\\"\"", OK },
  { "amount-negative-exponent", .set = "amount", .to = "2500e-2", OK, .cents = 2500, .bucket = "20-100" },
  { "amount-upper-exponent", .set = "amount", .to = "1E2", OK, .cents = 10000, .bucket = "100-250" },
  { "user-id-nineteen-digits", .set = "user_id", .to = "1000000000000000000", OK,
    .user_id = G_GINT64_CONSTANT (1000000000000000000) },
  { "no-spaces", .line = "{\"transaction_id\":\"" REF_ID "\",\"event_ts\":\"2026-11-20T13:45:12.123456+00:00\","
    "\"user_id\":1742,\"amount\":261.4,\"merchant\":\"Fnac\",\"category\":\"electronics\",\"city\":\"Lyon\","
    "\"status\":\"APPROVED\",\"payment_method\":\"card\",\"currency\":\"EUR\"}", OK },
  { "user-id-negative-zero", .set = "user_id", .to = "-0", REJECT (OUT_OF_RANGE, "user_id") },
  { "amount-negative-zero-double", .set = "amount", .to = "-0.0", REJECT (OUT_OF_RANGE, "amount") },
  { "user-id-negative-nineteen-digits", .set = "user_id", .to = "-1000000000000000000", REJECT (OUT_OF_RANGE, "user_id") },
  { "duplicate-key-string-then-array", .extra = ", \"merchant\": [\"Fnac\"]", REJECT (WRONG_TYPE, "merchant") },
  { "field-is-empty-object", .set = "status", .to = "{}", REJECT (WRONG_TYPE, "status") },
  { "field-is-empty-array", .set = "transaction_id", .to = "[]", REJECT (WRONG_TYPE, "transaction_id") },
  { "field-is-true", .set = "payment_method", .to = "true", REJECT (WRONG_TYPE, "payment_method") },

  /* line_too_long */
  { "line-too-long", .full_length = DPS_DEFAULT_MAX_LINE_LENGTH + 1, REJECT (LINE_TOO_LONG, NULL) },

  /* invalid_utf8 */
  { "invalid-utf8", .set = "merchant", .to = "\"Fn\xff" "ac\"", REJECT (INVALID_UTF8, NULL) },
  { "invalid-utf8-overlong", .set = "city", .to = "\"\xc0\xaf\"", REJECT (INVALID_UTF8, NULL) },
  { "invalid-utf8-surrogate", .set = "city", .to = "\"\xed\xa0\x80\"", REJECT (INVALID_UTF8, NULL) },
  { "invalid-utf8-truncated", .line = "{\"city\": \"Lyon\xc3", REJECT (INVALID_UTF8, NULL) },
  { "nul-byte", .line = "{\"a\": \"x\0y\"}", .length = 12, REJECT (INVALID_UTF8, NULL) },
  { "escaped-nul", .set = "merchant", .to = "\"Fn\\u0000ac\"", REJECT (INVALID_UTF8, NULL) },
  { "lone-high-surrogate", .set = "merchant", .to = "\"\\ud800\"", REJECT (INVALID_UTF8, NULL) },
  { "lone-low-surrogate", .set = "merchant", .to = "\"x\\udc00\"", REJECT (INVALID_UTF8, NULL) },
  { "high-surrogate-then-text", .set = "merchant", .to = "\"\\ud83dA\"", REJECT (INVALID_UTF8, NULL) },

  /* malformed_json */
  { "empty-line", .line = "", REJECT (MALFORMED_JSON, NULL) },
  { "blank-line", .line = " \t \r", REJECT (MALFORMED_JSON, NULL) },
  { "bom-only", .line = BOM, REJECT (MALFORMED_JSON, NULL) },
  { "truncated", .line = "{\"transaction_id\": \"0b6f3c2e-8a51", REJECT (MALFORMED_JSON, NULL) },
  { "unclosed-object", .line = "{\"a\": 1", REJECT (MALFORMED_JSON, NULL) },
  { "trailing-comma", .extra = ",", REJECT (MALFORMED_JSON, NULL) },
  { "missing-colon", .line = "{\"a\" 1}", REJECT (MALFORMED_JSON, NULL) },
  { "missing-comma", .line = "{\"a\": 1 \"b\": 2}", REJECT (MALFORMED_JSON, NULL) },
  { "mismatched-brackets", .line = "{\"a\": [1, 2}}", REJECT (MALFORMED_JSON, NULL) },
  { "two-values", .suffix = " {}", REJECT (MALFORMED_JSON, NULL) },
  { "text-after-value", .suffix = "x", REJECT (MALFORMED_JSON, NULL) },
  { "single-quotes", .set = "merchant", .to = "'Fnac'", REJECT (MALFORMED_JSON, NULL) },
  { "comment", .extra = " /* note */", REJECT (MALFORMED_JSON, NULL) },
  { "hex-number", .set = "user_id", .to = "0x10", REJECT (MALFORMED_JSON, NULL) },
  { "leading-zero", .set = "amount", .to = "0261.4", REJECT (MALFORMED_JSON, NULL) },
  { "bare-fraction", .set = "amount", .to = ".5", REJECT (MALFORMED_JSON, NULL) },
  { "dangling-point", .set = "amount", .to = "1.", REJECT (MALFORMED_JSON, NULL) },
  { "spaced-minus", .set = "amount", .to = "- 5", REJECT (MALFORMED_JSON, NULL) },
  { "plus-sign", .set = "amount", .to = "+5", REJECT (MALFORMED_JSON, NULL) },
  { "nan", .set = "amount", .to = "NaN", REJECT (MALFORMED_JSON, NULL) },
  { "infinity", .set = "amount", .to = "Infinity", REJECT (MALFORMED_JSON, NULL) },
  { "capitalised-literal", .set = "currency", .to = "Null", REJECT (MALFORMED_JSON, NULL) },
  { "raw-tab-in-string", .set = "merchant", .to = "\"Fn\tac\"", REJECT (MALFORMED_JSON, NULL) },
  { "unknown-escape", .set = "merchant", .to = "\"Fn\\x41c\"", REJECT (MALFORMED_JSON, NULL) },
  { "short-unicode-escape", .set = "merchant", .to = "\"Fn\\u00e\"", REJECT (MALFORMED_JSON, NULL) },
  { "too-deep", REJECT (MALFORMED_JSON, NULL),
    .extra = ", \"deep\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]" },
  { "bom-in-the-middle", .prefix = " " BOM, REJECT (MALFORMED_JSON, NULL) },

  /* not_object */
  { "array", .line = "[{\"transaction_id\": \"" REF_ID "\"}]", REJECT (NOT_OBJECT, NULL) },
  { "string", .line = "\"hello\"", REJECT (NOT_OBJECT, NULL) },
  { "number", .line = "42", REJECT (NOT_OBJECT, NULL) },
  { "null", .line = "null", REJECT (NOT_OBJECT, NULL) },

  /* missing_field */
  { "missing-transaction-id", .set = "transaction_id", .to = NULL, REJECT (MISSING_FIELD, "transaction_id") },
  { "missing-event-ts", .set = "event_ts", .to = NULL, REJECT (MISSING_FIELD, "event_ts") },
  { "missing-user-id", .set = "user_id", .to = NULL, REJECT (MISSING_FIELD, "user_id") },
  { "missing-amount", .set = "amount", .to = NULL, REJECT (MISSING_FIELD, "amount") },
  { "missing-merchant", .set = "merchant", .to = NULL, REJECT (MISSING_FIELD, "merchant") },
  { "missing-category", .set = "category", .to = NULL, REJECT (MISSING_FIELD, "category") },
  { "missing-city", .set = "city", .to = NULL, REJECT (MISSING_FIELD, "city") },
  { "missing-status", .set = "status", .to = NULL, REJECT (MISSING_FIELD, "status") },
  { "missing-payment-method", .set = "payment_method", .to = NULL, REJECT (MISSING_FIELD, "payment_method") },
  { "null-amount", .set = "amount", .to = "null", REJECT (MISSING_FIELD, "amount") },
  { "null-transaction-id", .set = "transaction_id", .to = "null", REJECT (MISSING_FIELD, "transaction_id") },
  { "empty-object", .line = "{}", REJECT (MISSING_FIELD, "transaction_id") },
  { "key-case-matters", .set = "city", .to = NULL, .extra = ", \"City\": \"Lyon\"", REJECT (MISSING_FIELD, "city") },

  /* wrong_type */
  { "wrong-type-transaction-id", .set = "transaction_id", .to = "42", REJECT (WRONG_TYPE, "transaction_id") },
  { "wrong-type-event-ts", .set = "event_ts", .to = "1795182312", REJECT (WRONG_TYPE, "event_ts") },
  { "wrong-type-user-id-string", .set = "user_id", .to = "\"1742\"", REJECT (WRONG_TYPE, "user_id") },
  { "wrong-type-user-id-boolean", .set = "user_id", .to = "true", REJECT (WRONG_TYPE, "user_id") },
  { "wrong-type-user-id-fraction", .set = "user_id", .to = "1742.5", REJECT (WRONG_TYPE, "user_id") },
  { "wrong-type-amount-string", .set = "amount", .to = "\"261.40\"", REJECT (WRONG_TYPE, "amount") },
  { "wrong-type-amount-array", .set = "amount", .to = "[261.4]", REJECT (WRONG_TYPE, "amount") },
  { "wrong-type-merchant", .set = "merchant", .to = "123", REJECT (WRONG_TYPE, "merchant") },
  { "wrong-type-category", .set = "category", .to = "[\"books\"]", REJECT (WRONG_TYPE, "category") },
  { "wrong-type-city", .set = "city", .to = "{\"name\": \"Lyon\"}", REJECT (WRONG_TYPE, "city") },
  { "wrong-type-status", .set = "status", .to = "false", REJECT (WRONG_TYPE, "status") },
  { "wrong-type-payment-method", .set = "payment_method", .to = "1", REJECT (WRONG_TYPE, "payment_method") },
  { "wrong-type-currency", .set = "currency", .to = "978", REJECT (WRONG_TYPE, "currency") },

  /* invalid_uuid */
  { "invalid-uuid", .set = "transaction_id", .to = "\"not-a-uuid\"", REJECT (INVALID_UUID, "transaction_id") },
  { "invalid-uuid-short", .set = "transaction_id", .to = "\"0b6f3c2e-8a51-4c1e-9d0a-3f2b7c9e1a4\"", REJECT (INVALID_UUID, "transaction_id") },
  { "invalid-uuid-braces", .set = "transaction_id", .to = "\"{" REF_ID "}\"", REJECT (INVALID_UUID, "transaction_id") },
  { "invalid-uuid-empty", .set = "transaction_id", .to = "\"\"", REJECT (INVALID_UUID, "transaction_id") },

  /* invalid_timestamp */
  { "timestamp-without-offset", .set = "event_ts", .to = "\"2026-11-20T13:45:12.123456\"", REJECT (INVALID_TIMESTAMP, "event_ts") },
  { "timestamp-garbage", .set = "event_ts", .to = "\"yesterday\"", REJECT (INVALID_TIMESTAMP, "event_ts") },
  { "timestamp-date-only", .set = "event_ts", .to = "\"2026-11-20\"", REJECT (INVALID_TIMESTAMP, "event_ts") },
  { "timestamp-impossible-date", .set = "event_ts", .to = "\"2026-02-30T10:00:00Z\"", REJECT (INVALID_TIMESTAMP, "event_ts") },
  { "timestamp-year-10000", .set = "event_ts", .to = "\"10000-01-01T00:00:00Z\"", REJECT (INVALID_TIMESTAMP, "event_ts") },
  { "timestamp-year-0", .set = "event_ts", .to = "\"0000-01-01T00:00:00Z\"", REJECT (INVALID_TIMESTAMP, "event_ts") },

  /* out_of_range */
  { "user-id-zero", .set = "user_id", .to = "0", REJECT (OUT_OF_RANGE, "user_id") },
  { "user-id-negative", .set = "user_id", .to = "-5", REJECT (OUT_OF_RANGE, "user_id") },
  { "user-id-above-limit", .set = "user_id", .to = "4611686018427387904", REJECT (OUT_OF_RANGE, "user_id") },
  { "user-id-beyond-int64", .set = "user_id", .to = "18446744073709551617", REJECT (OUT_OF_RANGE, "user_id") },
  { "user-id-below-int64", .set = "user_id", .to = "-9223372036854775809", REJECT (OUT_OF_RANGE, "user_id") },
  { "user-id-huge-double", .set = "user_id", .to = "1e300", REJECT (OUT_OF_RANGE, "user_id") },
  { "user-id-escaped-key-beyond-int64", .set = "user_id", .to = NULL,
    .extra = ", \"user\\u005fid\": 18446744073709551617", REJECT (OUT_OF_RANGE, "user_id") },
  { "amount-zero", .set = "amount", .to = "0", REJECT (OUT_OF_RANGE, "amount") },
  { "amount-zero-double", .set = "amount", .to = "0.0", REJECT (OUT_OF_RANGE, "amount") },
  { "amount-negative", .set = "amount", .to = "-12.5", REJECT (OUT_OF_RANGE, "amount") },
  { "amount-three-decimals", .set = "amount", .to = "12.345", REJECT (OUT_OF_RANGE, "amount") },
  { "amount-1.005", .set = "amount", .to = "1.005", REJECT (OUT_OF_RANGE, "amount") },
  { "amount-large-three-decimals", .set = "amount", .to = "5000.005", REJECT (OUT_OF_RANGE, "amount") },
  { "amount-below-a-cent", .set = "amount", .to = "0.001", REJECT (OUT_OF_RANGE, "amount") },
  { "amount-tiny", .set = "amount", .to = "1e-9", REJECT (OUT_OF_RANGE, "amount") },
  { "amount-too-large", .set = "amount", .to = "10000000000", REJECT (OUT_OF_RANGE, "amount") },
  { "amount-too-large-double", .set = "amount", .to = "10000000000.00", REJECT (OUT_OF_RANGE, "amount") },
  { "amount-infinite", .set = "amount", .to = "1e400", REJECT (OUT_OF_RANGE, "amount") },
  { "amount-beyond-int64", .set = "amount", .to = "18446744073709551617", REJECT (OUT_OF_RANGE, "amount") },
  { "merchant-empty", .set = "merchant", .to = "\"\"", REJECT (OUT_OF_RANGE, "merchant") },
  { "merchant-blank", .set = "merchant", .to = "\" \\t \"", REJECT (OUT_OF_RANGE, "merchant") },
  { "category-blank", .set = "category", .to = "\"   \"", REJECT (OUT_OF_RANGE, "category") },
  { "city-empty", .set = "city", .to = "\"\"", REJECT (OUT_OF_RANGE, "city") },
  { "merchant-too-long", .set = "merchant",
    .to = "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
    REJECT (OUT_OF_RANGE, "merchant") },

  /* unknown_enum */
  { "unknown-status", .set = "status", .to = "\"DONE\"", REJECT (UNKNOWN_ENUM, "status") },
  { "unknown-status-empty", .set = "status", .to = "\"\"", REJECT (UNKNOWN_ENUM, "status") },
  { "unknown-payment-method", .set = "payment_method", .to = "\"cash\"", REJECT (UNKNOWN_ENUM, "payment_method") },
  { "unknown-payment-method-spaced", .set = "payment_method", .to = "\"bank transfer\"", REJECT (UNKNOWN_ENUM, "payment_method") },
  { "unknown-currency-long", .set = "currency", .to = "\"EURO\"", REJECT (UNKNOWN_ENUM, "currency") },
  { "unknown-currency-digit", .set = "currency", .to = "\"E1R\"", REJECT (UNKNOWN_ENUM, "currency") },
  { "unknown-currency-empty", .set = "currency", .to = "\"\"", REJECT (UNKNOWN_ENUM, "currency") },

  /* One defect at a time: the first field in contract order wins. */
  { "first-failing-field-reported", .set = "amount", .to = "\"x\"", .extra = ", \"status\": \"DONE\"",
    REJECT (WRONG_TYPE, "amount") },
};

/* The record of @c without its prefix and suffix: the expected payload. */
static char *
build_record (const ParseCase *c)
{
  GString *s = g_string_new ("{");
  gboolean first = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (reference); i++)
    {
      const char *value = reference[i][1];

      if (c->set != NULL && strcmp (c->set, reference[i][0]) == 0)
        value = c->to;
      if (value == NULL)
        continue;
      g_string_append_printf (s, "%s\"%s\": %s", first ? "" : ", ", reference[i][0], value);
      first = FALSE;
    }
  if (c->extra != NULL)
    g_string_append (s, c->extra);
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

static void
case_line (const ParseCase  *c,
           char            **out_line,
           gsize            *out_length,
           char            **out_payload)
{
  if (c->line != NULL)
    {
      gsize length = c->length != 0 ? c->length : strlen (c->line);

      *out_line = g_memdup2 (c->line, length + 1);
      *out_length = length;
      *out_payload = g_strdup (c->payload != NULL ? c->payload : c->line);
      return;
    }

  *out_payload = build_record (c);
  *out_line = g_strconcat (c->prefix ? c->prefix : "", *out_payload, c->suffix ? c->suffix : "", NULL);
  *out_length = strlen (*out_line);
}

static gboolean
is_zeroed (const DpsTransaction *tx)
{
  static const DpsTransaction zero;

  return memcmp (tx, &zero, sizeof zero) == 0;
}

static void
check_accepted (const ParseCase      *c,
                const DpsTransaction *tx,
                const char           *payload)
{
  g_autofree char *ts = dps_format_timestamp (tx->event_ts);
  g_autofree char *date = dps_format_date (tx->event_date);
  char id[DPS_UUID_TEXT_LEN + 1];

  dps_uuid_to_string (tx->id, id);
  g_assert_cmpstr (id, ==, REF_ID);

  if (c->ts != NULL)
    {
      g_assert_cmpstr (ts, ==, c->ts);
      g_assert_cmpstr (date, ==, c->date);
      g_assert_cmpint (tx->event_hour, ==, c->hour);
      g_assert_cmpint (tx->event_dayofweek, ==, c->dow);
    }
  else
    {
      g_assert_cmpint (tx->event_ts, ==, REF_USEC);
      g_assert_cmpstr (date, ==, "2026-11-20");
      g_assert_cmpint (tx->event_hour, ==, 13);
      g_assert_cmpint (tx->event_dayofweek, ==, 4);
    }

  g_assert_cmpint (tx->amount_cents, ==, c->cents != 0 ? c->cents : 26140);
  g_assert_cmpstr (dps_amount_bucket_to_string (tx->amount_bucket), ==,
                   c->cents != 0 ? c->bucket : "250-500");
  g_assert_cmpint (tx->user_id, ==, c->user_id != 0 ? c->user_id : 1742);
  g_assert_cmpstr (tx->merchant, ==, c->merchant ? c->merchant : "Fnac");
  g_assert_cmpstr (tx->category, ==, c->category ? c->category : "electronics");
  g_assert_cmpstr (tx->city, ==, c->city ? c->city : "Lyon");
  g_assert_cmpstr (dps_status_to_string (tx->status), ==, c->status ? c->status : "APPROVED");
  g_assert_cmpstr (dps_payment_method_to_string (tx->payment_method), ==, c->method ? c->method : "card");
  g_assert_cmpstr (tx->currency, ==, c->currency ? c->currency : "EUR");

  g_assert_nonnull (payload);
  g_assert_cmpstr (tx->payload, ==, payload);
}

static void
check_rejected (const ParseCase *c,
                const DpsReject *reject,
                const char      *line,
                gsize            length,
                gsize            full_length)
{
  gboolean field_level = c->field != NULL;

  g_assert_cmpstr (dps_reject_reason_to_string (reject->reason), ==,
                   dps_reject_reason_to_string (c->reason));
  g_assert_cmpstr (reject->field, ==, c->field);
  g_assert_nonnull (reject->detail);
  g_assert_true (g_utf8_validate (reject->detail, -1, NULL));
  if (c->field != NULL)
    g_assert_nonnull (strstr (reject->detail, c->field));

  g_assert_cmpuint (reject->raw_length, ==, full_length);
  g_assert_cmpuint (reject->raw_size, ==, MIN (length, (gsize) DPS_REJECT_RAW_MAX));
  g_assert_cmpmem (reject->raw, reject->raw_size, line, reject->raw_size);

  /* Identity is kept whenever the object could be read. */
  if (field_level && c->line == NULL &&
      g_strcmp0 (c->set, "transaction_id") != 0)
    g_assert_cmpstr (reject->transaction_id, ==, REF_ID);
  else if (!field_level)
    g_assert_null (reject->transaction_id);

  if (field_level && c->line == NULL && g_strcmp0 (c->set, "event_ts") != 0)
    g_assert_cmpint (reject->event_ts, ==, REF_USEC);
  else if (!field_level || g_strcmp0 (c->set, "event_ts") == 0)
    g_assert_cmpint (reject->event_ts, ==, G_MININT64);
}

/* Every case both ways: read straight from the text where the record
 * allows it, and always through json-glib. */
static void
test_case (gconstpointer data)
{
  const ParseCase *c = data;

  for (guint fast = 0; fast < 2; fast++)
    {
      g_autoptr(DpsRecordParser) parser = dps_record_parser_new ();
      g_autofree char *line = NULL;
      g_autofree char *payload = NULL;
      DpsTransaction tx = { 0 };
      g_autoptr(DpsReject) reject = dps_reject_new ();
      gsize length, full_length;
      gboolean ok;

      dps_record_parser_set_fast_path (parser, fast == 1);
      case_line (c, &line, &length, &payload);
      full_length = c->full_length != 0 ? c->full_length : length;

      ok = dps_record_parser_parse (parser, line, length, full_length, &tx, reject);
      if (!ok && c->ok)
        g_test_message ("unexpected reject %s: %s",
                        dps_reject_reason_to_string (reject->reason), reject->detail);
      g_assert_cmpint (ok, ==, c->ok);

      if (ok)
        {
          check_accepted (c, &tx, payload);
          g_assert_null (reject->detail);
          g_assert_null (reject->raw);
        }
      else
        {
          g_test_message ("%s: %s", dps_reject_reason_to_string (reject->reason), reject->detail);
          g_assert_true (is_zeroed (&tx));
          check_rejected (c, reject, line, length, full_length);
        }

      dps_transaction_clear (&tx);
    }
}

/* Parses @line with both parsers and checks they agree on everything. */
static void
assert_paths_agree (DpsRecordParser *fast,
                    DpsRecordParser *general,
                    const char      *line,
                    gsize            length)
{
  DpsTransaction a = { 0 }, b = { 0 };
  g_autoptr(DpsReject) ra = dps_reject_new ();
  g_autoptr(DpsReject) rb = dps_reject_new ();
  gboolean ok_a = dps_record_parser_parse (fast, line, length, length, &a, ra);
  gboolean ok_b = dps_record_parser_parse (general, line, length, length, &b, rb);

  if (ok_a != ok_b)
    g_test_message ("paths disagree on: %.*s", (int) length, line);
  g_assert_cmpint (ok_a, ==, ok_b);
  if (ok_a)
    {
      g_assert_cmpmem (a.id, 16, b.id, 16);
      g_assert_cmpint (a.event_ts, ==, b.event_ts);
      g_assert_cmpint (a.user_id, ==, b.user_id);
      g_assert_cmpint (a.amount_cents, ==, b.amount_cents);
      g_assert_cmpstr (a.merchant, ==, b.merchant);
      g_assert_cmpstr (a.category, ==, b.category);
      g_assert_cmpstr (a.city, ==, b.city);
      g_assert_cmpint (a.status, ==, b.status);
      g_assert_cmpint (a.payment_method, ==, b.payment_method);
      g_assert_cmpstr (a.currency, ==, b.currency);
      g_assert_cmpint (a.event_date, ==, b.event_date);
      g_assert_cmpint (a.event_hour, ==, b.event_hour);
      g_assert_cmpint (a.event_dayofweek, ==, b.event_dayofweek);
      g_assert_cmpint (a.amount_bucket, ==, b.amount_bucket);
      g_assert_cmpstr (a.payload, ==, b.payload);
    }
  else
    {
      g_assert_cmpint (ra->reason, ==, rb->reason);
      g_assert_cmpstr (ra->field, ==, rb->field);
      g_assert_cmpstr (ra->detail, ==, rb->detail);
      g_assert_cmpstr (ra->transaction_id, ==, rb->transaction_id);
      g_assert_cmpint (ra->event_ts, ==, rb->event_ts);
      g_assert_cmpmem (ra->raw, ra->raw_size, rb->raw, rb->raw_size);
    }
  dps_transaction_clear (&a);
  dps_transaction_clear (&b);
}

/* The fast path against json-glib on many records built from pieces that
 * exercise every kind of value in every field, and on mutated ones. */
static void
test_fast_path_agrees (void)
{
  static const char *const values[] = {
    "\"" REF_ID "\"", "\"2026-11-20T13:45:12.123456+00:00\"", "\"2026-11-20T01:30:00+02:00\"",
    "\"2026-11-20T13:45:12Z\"", "\"2026-02-30T10:00:00Z\"", "\"Fnac\"", "\" ElecTRONICS \"",
    "\"ÉPICERIE\"", "\"approved\"", "\"Bank_Transfer\"", "\"usd\"", "\"\"", "\"  \"",
    "\"Caf\\u00e9\"", "\"a\\\"b\"", "\"x\\ud83d\\ude00\"",
    "0", "-0", "1", "-1", "1742", "261.4", "0.30000000000000004", "19.99", "12.345", "1.005", "2.5e2",
    "1E2", "2500e-2", "-12.5", "1e300", "1e400", "-1e400", "1e-9", "0.0", "-0.0", "100.0",
    "9999999999.99", "10000000000", "4611686018427387903", "4611686018427387904",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
    "18446744073709551617", "123456789012345678901234567890", "0.1e1", "5e-324", "2.2250738585072014e-308",
    "true", "false", "null", "{}", "[]", "{\"a\": 1}", "[1, \"x\", null]", "[[{}]]",
  };
  static const char *const keys[] = {
    "transaction_id", "event_ts", "user_id", "amount", "merchant", "category", "city", "status",
    "payment_method", "currency", "note", "us\\u0065r_id", "City",
  };
  g_autoptr(DpsRecordParser) fast = dps_record_parser_new ();
  g_autoptr(DpsRecordParser) general = dps_record_parser_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261120);
  guint n = 0;

  dps_record_parser_set_fast_path (general, FALSE);

  /* Every table case. */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *line = NULL;
      g_autofree char *payload = NULL;
      gsize length;

      case_line (&cases[i], &line, &length, &payload);
      assert_paths_agree (fast, general, line, length);
      n++;
    }

  /* Each field set to each value, alone in a valid record. */
  for (guint k = 0; k < G_N_ELEMENTS (reference); k++)
    for (guint v = 0; v < G_N_ELEMENTS (values); v++)
      {
        ParseCase c = { "piece", .set = reference[k][0], .to = values[v] };
        g_autofree char *line = build_record (&c);

        assert_paths_agree (fast, general, line, strlen (line));
        n++;
      }

  /* Random records: random keys (with duplicates) and values, then some
   * of them with a few bytes changed. */
  for (guint i = 0; i < 30000; i++)
    {
      GString *s = g_string_new ("{");
      guint members = (guint) g_rand_int_range (rand, 0, 14);

      for (guint m = 0; m < members; m++)
        g_string_append_printf (s, "%s\"%s\":%s%s", m == 0 ? "" : ",",
                                keys[g_rand_int_range (rand, 0, G_N_ELEMENTS (keys))],
                                g_rand_boolean (rand) ? " " : "",
                                values[g_rand_int_range (rand, 0, G_N_ELEMENTS (values))]);
      g_string_append_c (s, '}');
      if (g_rand_int_range (rand, 0, 4) == 0)
        {
          guint flips = (guint) g_rand_int_range (rand, 1, 3);

          for (guint j = 0; j < flips && s->len > 0; j++)
            s->str[g_rand_int_range (rand, 0, (gint32) s->len)] = (char) g_rand_int_range (rand, 32, 127);
        }
      assert_paths_agree (fast, general, s->str, s->len);
      g_string_free (s, TRUE);
      n++;
    }

  /* Valid records as the generator writes them, each field in turn
   * replaced. */
  for (guint i = 0; i < 5000; i++)
    {
      ParseCase c = { "piece" };
      guint k = (guint) g_rand_int_range (rand, 0, G_N_ELEMENTS (reference));
      g_autofree char *line = NULL;

      c.set = reference[k][0];
      c.to = values[g_rand_int_range (rand, 0, G_N_ELEMENTS (values))];
      c.extra = g_rand_boolean (rand) ? ", \"amount\": 12.5" : NULL;
      line = build_record (&c);
      assert_paths_agree (fast, general, line, strlen (line));
      n++;
    }

  g_test_message ("%u lines agree", n);
}

/* One parser and one reject reused across every case, as a transform
 * thread does: nothing may leak from one line into the next. */
static void
test_reuse (void)
{
  g_autoptr(DpsRecordParser) parser = dps_record_parser_new ();
  g_autoptr(DpsReject) reject = dps_reject_new ();

  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        const ParseCase *c = &cases[i];
        g_autofree char *line = NULL;
        g_autofree char *payload = NULL;
        DpsTransaction tx = { 0 };
        gsize length;

        case_line (c, &line, &length, &payload);
        if (dps_record_parser_parse (parser, line, length,
                                     c->full_length != 0 ? c->full_length : length,
                                     &tx, reject))
          {
            g_assert_true (c->ok);
            check_accepted (c, &tx, payload);
            dps_transaction_clear (&tx);
          }
        else
          {
            g_assert_false (c->ok);
            g_assert_true (is_zeroed (&tx));
            check_rejected (c, reject, line, length,
                            c->full_length != 0 ? c->full_length : length);
          }
      }
}

static void
test_max_line_length (void)
{
  g_autoptr(DpsRecordParser) parser = dps_record_parser_new ();
  static const ParseCase valid = { "valid" };
  g_autofree char *record = build_record (&valid);
  gsize length = strlen (record);
  DpsTransaction tx = { 0 };
  g_autoptr(DpsReject) reject = dps_reject_new ();

  g_assert_cmpuint (dps_record_parser_get_max_line_length (parser), ==, DPS_DEFAULT_MAX_LINE_LENGTH);

  dps_record_parser_set_max_line_length (parser, length);
  g_assert_cmpuint (dps_record_parser_get_max_line_length (parser), ==, length);
  g_assert_true (dps_record_parser_parse (parser, record, length, length, &tx, reject));
  dps_transaction_clear (&tx);

  dps_record_parser_set_max_line_length (parser, length - 1);
  g_assert_false (dps_record_parser_parse (parser, record, length, length, &tx, reject));
  g_assert_cmpint (reject->reason, ==, DPS_REJECT_LINE_TOO_LONG);
  g_assert_cmpuint (reject->raw_length, ==, length);
  g_assert_true (is_zeroed (&tx));

  /* A reader that kept only a prefix of a huge line. */
  dps_record_parser_set_max_line_length (parser, DPS_DEFAULT_MAX_LINE_LENGTH);
  g_assert_false (dps_record_parser_parse (parser, record, 10, (gsize) 100 * 1024 * 1024, &tx, reject));
  g_assert_cmpint (reject->reason, ==, DPS_REJECT_LINE_TOO_LONG);
  g_assert_cmpuint (reject->raw_size, ==, 10);
  g_assert_cmpuint (reject->raw_length, ==, (gsize) 100 * 1024 * 1024);
  g_assert_cmpmem (reject->raw, 10, record, 10);
}

/* The line is not NUL-terminated: nothing past @length may be read. */
static void
test_not_terminated (void)
{
  g_autoptr(DpsRecordParser) parser = dps_record_parser_new ();
  static const ParseCase valid = { "valid" };
  g_autofree char *record = build_record (&valid);
  gsize length = strlen (record);
  g_autofree char *buffer = g_strconcat (record, "}garbage\"", NULL);
  DpsTransaction tx = { 0 };
  g_autoptr(DpsReject) reject = dps_reject_new ();

  g_assert_true (dps_record_parser_parse (parser, buffer, length, length, &tx, reject));
  g_assert_cmpstr (tx.payload, ==, record);
  dps_transaction_clear (&tx);

  g_assert_false (dps_record_parser_parse (parser, buffer, length - 1, length - 1, &tx, reject));
  g_assert_cmpint (reject->reason, ==, DPS_REJECT_MALFORMED_JSON);
}

static void
expect_reject (DpsRecordParser *parser,
               const char      *line,
               gsize            length,
               gsize            full_length)
{
  DpsTransaction tx = { 0 };
  g_autoptr(DpsReject) reject = dps_reject_new ();

  if (dps_record_parser_parse (parser, line, length, full_length, &tx, reject))
    {
      dps_transaction_clear (&tx);
      g_assert_not_reached ();
    }
  g_assert_true (is_zeroed (&tx));
  g_assert_cmpuint (reject->reason, <, DPS_N_REJECT_REASONS);
  g_assert_cmpint (reject->reason, !=, DPS_REJECT_DUPLICATE);
  g_assert_nonnull (reject->detail);
  g_assert_true (g_utf8_validate (reject->detail, -1, NULL));
  g_assert_cmpuint (reject->raw_length, ==, full_length);
}

static char *
repeat (const char *unit,
        guint       times,
        const char *tail)
{
  GString *s = g_string_sized_new (strlen (unit) * times + 16);

  for (guint i = 0; i < times; i++)
    g_string_append (s, unit);
  if (tail != NULL)
    g_string_append (s, tail);
  return g_string_free (s, FALSE);
}

static void
test_hostile (void)
{
  g_autoptr(DpsRecordParser) parser = dps_record_parser_new ();
  g_autoptr(DpsRecordParser) roomy = dps_record_parser_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261120);
  g_autofree char *arrays = repeat ("[", 100000, NULL);
  g_autofree char *objects = repeat ("{\"a\":", 100000, NULL);
  g_autofree char *closers = repeat ("]", 100000, NULL);
  g_autofree char *balanced = g_strconcat (arrays, closers, NULL);
  g_autofree char *xs = repeat ("x", 1000000, NULL);
  g_autofree char *nines = repeat ("9", 100000, NULL);
  g_autofree char *huge_string = g_strconcat ("{\"merchant\":\"", xs, "\"}", NULL);
  g_autofree char *huge_number = g_strconcat ("{\"transaction_id\":\"" REF_ID "\","
                                              "\"event_ts\":\"2026-11-20T13:45:12Z\","
                                              "\"user_id\":", nines, "}", NULL);
  static const char *const small[] = {
    "\"\\ud800\"", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udfff\\ud800\"}", "{\"a\":\"\\u",
    "{\"a\":\"\\", "{\"", "{", "}", "]", "[", ":", ",", "{,}", "{\"a\"}", "{\"a\":}",
    "{\"a\":1,}", "[1,]", "{\"a\":1}}", "[[]]]", "\"", "\\", "-", "-0", "1e", "1e+",
    "0.", "00", "-01", "tru", "nul", "falsey", "{\"a\":tru}", "{\"a\":1.5e99999}",
    "{\"amount\":-1e99999}", "{\"user_id\":1e99999}", "{\"user_id\":-0.0}",
    "{\"transaction_id\":\"" REF_ID "\",\"event_ts\":\"9999-12-31T23:59:59.999999-23:59\"}",
    "{\"transaction_id\":\"" REF_ID "\",\"event_ts\":\"0001-01-01T00:00:00+23:59\"}",
  };

  /* 100k levels of nesting, within the line limit (of a roomy parser) and
   * beyond it. */
  dps_record_parser_set_max_line_length (roomy, 16 * 1024 * 1024);
  expect_reject (roomy, arrays, strlen (arrays), strlen (arrays));
  expect_reject (roomy, objects, strlen (objects), strlen (objects));
  expect_reject (roomy, balanced, strlen (balanced), strlen (balanced));
  expect_reject (parser, arrays, strlen (arrays), strlen (arrays));
  expect_reject (parser, objects, strlen (objects), strlen (objects));
  expect_reject (parser, arrays, 1000, strlen (arrays));

  /* Huge strings and numbers. */
  expect_reject (roomy, huge_string, strlen (huge_string), strlen (huge_string));
  expect_reject (parser, huge_string, strlen (huge_string), strlen (huge_string));
  expect_reject (roomy, huge_number, strlen (huge_number), strlen (huge_number));

  for (guint i = 0; i < G_N_ELEMENTS (small); i++)
    {
      expect_reject (parser, small[i], strlen (small[i]), strlen (small[i]));
      /* Every prefix, too. */
      for (gsize n = 0; n < strlen (small[i]); n++)
        expect_reject (parser, small[i], n, n);
    }

  /* NUL bytes in the middle of an otherwise valid record. */
  {
    static const ParseCase valid = { "valid" };
    g_autofree char *record = build_record (&valid);
    gsize length = strlen (record);

    for (gsize at = 0; at < length; at += 7)
      {
        g_autofree char *copy = g_memdup2 (record, length);

        copy[at] = '\0';
        expect_reject (parser, copy, length, length);
      }
  }

  /* Random bytes, and random mutations of a valid record. */
  for (guint i = 0; i < 20000; i++)
    {
      gsize length = (gsize) g_rand_int_range (rand, 0, 300);
      g_autofree char *bytes = g_malloc (length + 1);
      DpsTransaction tx = { 0 };
      g_autoptr(DpsReject) reject = dps_reject_new ();

      for (gsize j = 0; j < length; j++)
        bytes[j] = (char) g_rand_int_range (rand, 0, 256);
      if (dps_record_parser_parse (parser, bytes, length, length, &tx, reject))
        {
          g_assert_true (g_utf8_validate (tx.payload, -1, NULL));
          dps_transaction_clear (&tx);
        }
      else
        {
          g_assert_true (is_zeroed (&tx));
          g_assert_cmpuint (reject->reason, <, DPS_N_REJECT_REASONS);
          g_assert_cmpint (reject->reason, !=, DPS_REJECT_DUPLICATE);
        }
    }

  {
    static const ParseCase valid = { "valid" };
    g_autofree char *record = build_record (&valid);
    gsize length = strlen (record);

    for (guint i = 0; i < 20000; i++)
      {
        g_autofree char *copy = g_memdup2 (record, length);
        DpsTransaction tx = { 0 };
        g_autoptr(DpsReject) reject = dps_reject_new ();
        guint flips = (guint) g_rand_int_range (rand, 1, 4);

        for (guint j = 0; j < flips; j++)
          copy[g_rand_int_range (rand, 0, (gint32) length)] = (char) g_rand_int_range (rand, 0, 256);
        if (dps_record_parser_parse (parser, copy, length, length, &tx, reject))
          {
            g_assert_true (g_utf8_validate (tx.payload, -1, NULL));
            dps_transaction_clear (&tx);
          }
        else
          {
            g_assert_true (is_zeroed (&tx));
            g_assert_cmpuint (reject->reason, <, DPS_N_REJECT_REASONS);
            g_assert_cmpint (reject->reason, !=, DPS_REJECT_DUPLICATE);
          }
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strconcat ("/dps/record-parser/", cases[i].name, NULL);

      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/dps/record-parser/reuse", test_reuse);
  g_test_add_func ("/dps/record-parser/max-line-length", test_max_line_length);
  g_test_add_func ("/dps/record-parser/not-terminated", test_not_terminated);
  g_test_add_func ("/dps/record-parser/hostile", test_hostile);
  g_test_add_func ("/dps/record-parser/fast-path-agrees", test_fast_path_agrees);

  return g_test_run ();
}
