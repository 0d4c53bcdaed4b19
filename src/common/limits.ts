/**
 * Input limits, each used by the class-validator decorator that enforces it and by the @ApiProperty that
 * declares it in openapi.json, so the contract and the server cannot drift apart.
 */
export const NAME_MAX = 200;
export const TITLE_MAX = 300;
export const SLUG_MAX = 200;
export const SUMMARY_MAX = 5_000;
export const DESCRIPTION_MAX = 10_000;
export const URL_MAX = 2_000;
/** RFC 5321: 64 (local part) + 1 + 255 (domain). */
export const EMAIL_MAX = 320;
export const PASSWORD_MAX = 200;
/** IANA zone names are far shorter; isTimeZone refuses anything longer. */
export const TIMEZONE_MAX = 64;
export const SEARCH_MAX = 200;
export const AUTHOR_MAX = 200;
export const AUTHORS_MAX_ITEMS = 20;
export const TAG_MAX = 64;
export const TAGS_MAX_ITEMS = 30;
export const CURSOR_MAX = 1_024;
export const PAGE_LIMIT_MAX = 200;
export const AUDIT_ACTION_MAX = 64;
export const REFRESH_TOKEN_MIN = 20;
export const REFRESH_TOKEN_MAX = 200;
export const SET_PASSWORD_TOKEN_MIN = 20;
export const SET_PASSWORD_TOKEN_MAX = 300;
export const UNSUBSCRIBE_TOKEN_MAX = 1_000;
/** A cell of a bulk enrolment row (email, name or cohort) before it is checked. */
export const BULK_CELL_MAX = 400;
/** A course holds at most this many modules (structure.service refuses the next with 409). */
export const MODULES_PER_COURSE_MAX = 1_000;
/** A module holds at most this many items (structure.service refuses the next with 409). */
export const ITEMS_PER_MODULE_MAX = 1_000;
/** A course has at most this many instructors (courses.service refuses the next with 409). */
export const INSTRUCTORS_PER_COURSE_MAX = 50;
/** A course has at most this many cohorts (created one by one or by a bulk import; the next is refused with 409). */
export const COHORTS_PER_COURSE_MAX = 1_000;
/** A reorder lists every module of the course or every item of the module. */
export const MODULE_IDS_MAX_ITEMS = MODULES_PER_COURSE_MAX;
export const ITEM_IDS_MAX_ITEMS = ITEMS_PER_MODULE_MAX;
export const PREREQUISITES_MAX_ITEMS = 100;
export const TARGET_ENROLMENTS_MAX_ITEMS = 10_000;
/** Per-student due dates of one assignment (assignments.service refuses the next with 409). */
export const OVERRIDES_PER_ASSIGNMENT_MAX = 10_000;
/** GET /me/enrolments and /me/assignments answer at most this many rows (newest enrolments, soonest due dates first). */
export const MY_LIST_MAX = 500;
/** A bulk enrolment body's default size limit in bytes (IMPORT_BODY_LIMIT_BYTES); openapi.json declares it as the CSV's maxLength. */
export const IMPORT_BODY_LIMIT_DEFAULT = 8 * 1_048_576;
/** The X-CSRF-Token value: an HMAC-SHA256 in base64url (session-cookies.ts); any other value is refused with 403. */
export const CSRF_TOKEN_LENGTH = 43;
/** The `charset` field of a multipart bulk enrolment (the form parser's fieldSize). */
export const CHARSET_MAX = 64;
export const UUID_LENGTH = 36;
/** The longest ISO 8601 instant isIsoInstant accepts (nanoseconds and an offset). */
export const ISO_INSTANT_MAX = 40;
/** `HH:MM`. */
export const CLOCK_TIME_LENGTH = 5;

/**
 * Lengths fixed by a format, which its validator enforces (IsUUID / the uuid pipe, IsIsoInstant, IsDateString):
 * openapi.json gets them as maxLength wherever a string schema has the format and no maxLength of its own.
 */
export const FORMAT_MAX_LENGTH: Readonly<Record<string, number>> = {
  uuid: UUID_LENGTH,
  'date-time': ISO_INSTANT_MAX,
  date: 10,
  email: EMAIL_MAX,
  uri: URL_MAX,
};

// Bounds of strings the server writes (responses), for the contract.
/** Title and summary fragments, every character at worst escaped (6) and alone inside <mark></mark> (13), plus separators. */
export const HIGHLIGHT_MAX = (TITLE_MAX + SUMMARY_MAX + 10) * 19;
/** An HS256 JWT with our few claims (ids, role, times) is ~300 characters; this leaves room to spare. */
export const ACCESS_TOKEN_MAX = 2_048;
/** A message the server writes (a row's error, a warning, a rejected event's reason). */
export const MESSAGE_MAX = 1_000;
/** A failed send's error as stored (reminder-send.repository truncates it). */
export const LAST_ERROR_MAX = 2_000;
/** RFC 5322 line limit, which a Message-ID header cannot exceed. */
export const MESSAGE_ID_MAX = 998;
/** A rejected progress event's eventId is echoed cut to this length. */
export const EVENT_ID_ECHO_MAX = 100;
/** Short machine words: a skip reason, a kind's label. */
export const WORD_MAX = 64;
/** An assignment change answers at most three warnings (due-soon, overdue, already assigned). */
export const WARNINGS_MAX_ITEMS = 10;
/** A client's X-Request-Id is kept only up to this length (else the server makes a UUID). */
export const REQUEST_ID_MAX = 128;
