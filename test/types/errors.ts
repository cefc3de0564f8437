/**
 * Compile-only: sg.errors — the library's error helpers, usable by user registrations.
 */
import { errors } from '../../lib';
import { expectType } from './helpers';

export function errorHelpers(value: unknown): void {
  expectType<string>(errors.describeValue(value));
  expectType<TypeError>(errors.typeError('optimizer_params.lr', 'a number', value));
  expectType<number>(errors.editDistance('Adamm', 'Adam'));
  expectType<string | undefined>(errors.nearestName('Adamm', ['Adam', 'SGD']));
  expectType<Error>(errors.unknownNameError('optimizer', 'Adamm', ['Adam', 'SGD']));
  expectType<number>(errors.expectNumber('lr', value));
  expectType<number>(errors.expectInteger('epochs', value));
  expectType<boolean>(errors.expectBoolean('nesterov', value));
  expectType<string>(errors.expectString('name', value));
  if (errors.isPlainObject(value)) expectType<Record<string, unknown>>(value);
  // @ts-expect-error the path comes first
  errors.expectNumber(value);
  // @ts-expect-error known names are a list
  errors.nearestName('Adamm', 'Adam');
  // @ts-expect-error expectNumber returns a number
  const s: string = errors.expectNumber('lr', value);
  void s;
}

export function errorInfo(value: unknown): void {
  const err = errors.typeError('training_params.max_epochs', 'an integer', value);
  expectType<TypeError>(err);
  expectType<string | undefined>(err.path);
  expectType<errors.ErrorCode>(err.code);
  expectType<RangeError & errors.ErrorInfo>(errors.rangeError('p', 'p must be in [0, 1], got 2'));
  expectType<TypeError & errors.ErrorInfo>(errors.requiredError('training_params.loss'));
  expectType<number>(errors.expectNumberIn('p', value, 0, 1));
  expectType<number>(errors.expectNumber('p', value, { allowNaN: true }));
  expectType<string | undefined>(errors.errorPath(value));
  expectType<errors.ErrorCode | undefined>(errors.errorCode(value));
  expectType<Error & errors.ErrorInfo>(errors.withErrorInfo(new Error('x'), 'a.b', 'ERR_RANGE'));
  // @ts-expect-error codes are a closed set
  errors.withErrorInfo(new Error('x'), 'a.b', 'ERR_OTHER');
  // @ts-expect-error the path is a string
  errors.rangeError(['a', 'b'], 'x');
}
