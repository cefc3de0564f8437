/**
 * What `fn` throws, as text that an assertion can compare whole: the Error's message, with its
 * class name in front when `withName` is set ("TypeError: ..."); 'no error' when nothing is thrown.
 */
export function thrown(fn: () => unknown, withName = false): string {
  try {
    fn();
  } catch (e) {
    const err = e as Error;
    return withName ? `${err.name}: ${err.message}` : err.message;
  }
  return 'no error';
}
