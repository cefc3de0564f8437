// `crc-32/crc32c` (SheetJS's CRC-32C) has the API of the package's typed main module.
declare module 'crc-32/crc32c' {
  export * from 'crc-32';
}
