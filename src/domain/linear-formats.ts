import type { Format } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats';
import { linearRegExp, NonLinearPatternError } from './linear-regexp';

/**
 * ajv-formats' regular expressions, run on RE2 (linearRegExp): a format check takes time linear in the string, as a
 * `pattern` does. ajv does not pass formats through its `code.regExp` option (a RegExp format is called as it is), so
 * each one is compiled here. Three use lookaheads, which RE2 has not: `duration`, `hostname` and `url` keep their
 * meaning with the lookahead's condition checked in code (or, for `url`'s private IPv4 ranges, spelt out).
 * The formats that are functions keep ajv-formats' code: `date`, `time`, `date-time`, `iso-time`,
 * `iso-date-time` (fixed-width regular expressions, then arithmetic), `regex` (compiles, never runs) and the numeric
 * ones; `uri` and `byte` hold their regular expression in a closure, so theirs are copied here.
 */

/** ajv-formats 3.0.1's `uri` expression (MIT, from https://jmrware.com/articles/2009/uri_regexp/URI_regex.html). */
const URI =
  /^(?:[a-z][a-z0-9+\-.]*:)(?:\/?\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+)\]|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)|(?:[a-z0-9\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(?::\d*)?(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*|\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)(?:\?(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$/i;
const NOT_URI_FRAGMENT = /\/|:/;

/** ajv-formats 3.0.1's `byte` expression (base64 on a line). */
const BYTE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/m;

/** A format's check: the expression, compiled on RE2, tested on the string. */
function compiled(re: RegExp): (text: string) => boolean {
  const linear = linearRegExp(re.source, re.flags);
  return (text) => linear.test(text);
}

/** `source` without `piece`, which must be there exactly once (a newer ajv-formats must be looked at again). */
function replaceOnce(source: string, piece: string, by: string): string {
  const at = source.indexOf(piece);
  if (at < 0 || source.indexOf(piece, at + 1) >= 0) throw new Error(`ajv-formats changed: ${JSON.stringify(piece)} is not in ${source} once`);
  return source.slice(0, at) + by + source.slice(at + piece.length);
}

const regexOf = (name: keyof typeof fullFormats): RegExp => {
  const format = fullFormats[name];
  if (!(format instanceof RegExp)) throw new Error(`ajv-formats changed: format ${name} is not a regular expression`);
  return format;
};

/** `P(?!$)`: something follows P; `T(?=\d)`: a digit follows T. */
function duration(): (text: string) => boolean {
  const re = regexOf('duration');
  const rest = linearRegExp(replaceOnce(replaceOnce(re.source, 'P(?!$)', 'P'), 'T(?=\\d)', 'T'), re.flags);
  return (text) => text.length > 1 && (!text.includes('T') || /\d/.test(text[text.indexOf('T') + 1] ?? '')) && rest.test(text);
}

/** `(?=.{1,253}\.?$)`: at most 253 characters, a final dot aside. */
function hostname(): (text: string) => boolean {
  const re = regexOf('hostname');
  const rest = linearRegExp(replaceOnce(re.source, '(?=.{1,253}\\.?$)', ''), re.flags);
  return (text) => (text.length <= 253 || (text.length === 254 && text.endsWith('.'))) && rest.test(text);
}

/** The middle octets of `url`'s IPv4 address, then the same without one value or range. */
const OCTET = '(?:1?\\d{1,2}|2[0-4]\\d|25[0-5])';
const OCTET_NOT_254 = '(?:1?\\d{1,2}|2[0-4]\\d|25[0-35])';
const OCTET_NOT_168 = '(?:\\d{1,2}|1[0-57-9]\\d|16[0-79]|2[0-4]\\d|25[0-5])';
const OCTET_NOT_16_TO_31 = '(?:\\d|0\\d|1[0-5]|3[2-9]|[4-9]\\d|1\\d\\d|2[0-4]\\d|25[0-5])';
const LAST_OCTET = '(?:[1-9]\\d?|1\\d\\d|2[0-4]\\d|25[0-4])';
/** url's first octets (1-223) but 10, 127 (refused) and 169, 172, 192 (refused with some second octets). */
const FIRST_OCTET = '(?:[1-9]|1[1-9]|[2-9]\\d|1[01]\\d|12[0-689]|1[3-5]\\d|16[0-8]|17[013-9]|18\\d|19[013-9]|2[01]\\d|22[0-3])';
const PUBLIC_IPV4 =
  `(?:${FIRST_OCTET}(?:\\.${OCTET}){2}|169\\.${OCTET_NOT_254}\\.${OCTET}|172\\.${OCTET_NOT_16_TO_31}\\.${OCTET}|192\\.${OCTET_NOT_168}\\.${OCTET})` +
  `\\.${LAST_OCTET}`;
/** ajv-formats' IPv4 alternative of `url`: three lookaheads that refuse private ranges, then any address. */
const URL_IPV4 =
  '(?!(?:10|127)(?:\\.\\d{1,3}){3})(?!(?:169\\.254|192\\.168)(?:\\.\\d{1,3}){2})(?!172\\.(?:1[6-9]|2\\d|3[0-1])(?:\\.\\d{1,3}){2})' +
  '(?:[1-9]\\d?|1\\d\\d|2[01]\\d|22[0-3])(?:\\.(?:1?\\d{1,2}|2[0-4]\\d|25[0-5])){2}(?:\\.(?:[1-9]\\d?|1\\d\\d|2[0-4]\\d|25[0-4]))';

function url(): (text: string) => boolean {
  const re = regexOf('url');
  return compiled(new RegExp(replaceOnce(re.source, URL_IPV4, PUBLIC_IPV4), re.flags));
}

/** Every format of ajv-formats (full mode), each regular expression on RE2; the names are ajv-formats'. */
export function linearFormats(): Record<string, Format> {
  const formats: Record<string, Format> = {};
  for (const [name, format] of Object.entries<Format>(fullFormats)) {
    if (format instanceof RegExp) {
      try {
        formats[name] = compiled(format);
      } catch (err) {
        if (!(err instanceof NonLinearPatternError)) throw err;
      }
    } else if (typeof format === 'object' && format.validate instanceof RegExp) {
      formats[name] = { ...format, validate: compiled(format.validate) } as Format;
    } else {
      formats[name] = format;
    }
  }
  const uri = compiled(URI);
  Object.assign(formats, {
    duration: duration(),
    hostname: hostname(),
    url: url(),
    uri: (text: string) => NOT_URI_FRAGMENT.test(text) && uri(text),
    byte: compiled(BYTE),
  });
  return formats;
}
