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
