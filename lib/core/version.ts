/**
 * The package version of myopic-sor. A constant (not read from package.json at run time: a Lambda bundle has no
 * package.json); test/report/version.test.ts keeps it equal to package.json's "version".
 */
export const VERSION = "0.1.0";
