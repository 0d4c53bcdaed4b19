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
/** Module ids in a reorder and prerequisites of one module. */
export const MODULE_IDS_MAX_ITEMS = 1_000;
export const PREREQUISITES_MAX_ITEMS = 100;
export const ITEM_IDS_MAX_ITEMS = 1_000;
export const TARGET_ENROLMENTS_MAX_ITEMS = 10_000;
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
