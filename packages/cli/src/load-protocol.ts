/** Loads the protocol (a `Protocol` or `ProtocolConfig`) a command works on from a JavaScript module. */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Protocol, ProtocolConfig } from '@bp/codec';
import { CliError } from './cli-error.js';
import { buildPlan, type ProtocolPlan } from './field-plan.js';

/** What a command works on: a `Protocol` or a `ProtocolConfig` of `@bp/codec`. */
export type AnyProtocol = Protocol<any, any> | ProtocolConfig<any, any>;

/**
 * True for a `Protocol` or `ProtocolConfig`, from this copy of @bp/codec or another one (a user's
 * module may resolve its own): it is recognised by what it does, not by its class.
 */
export function isProtocol(value: unknown): value is AnyProtocol {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Protocol>;
  return (
    typeof v.describe === 'function' &&
    typeof v.headerFormat === 'string' &&
    typeof v.maxPayloadSize === 'number' &&
    typeof v.decodeMessage === 'function'
  );
}

/**
 * @deprecated Renamed {@link isProtocol} (it is true for a `Protocol` too); this alias goes in
 * the next minor release.
 */
export const isProtocolConfig: (value: unknown) => value is AnyProtocol = isProtocol;

/** A loaded protocol: the module's export name and the protocol. */
export interface LoadedProtocol {
  readonly exportName: string;
  readonly protocol: AnyProtocol;
}

/**
 * Imports `specifier` (a file path, relative to `cwd`, or a package name) and picks its
 * protocol: the export named `exportName`, else the default export, else the only export that
 * is a `Protocol` or `ProtocolConfig`. Throws {@link CliError} `module-not-found` or `not-a-protocol`.
 */
export async function loadProtocol(
  specifier: string,
  cwd: string,
  exportName?: string,
): Promise<LoadedProtocol> {
  const path = isAbsolute(specifier) ? specifier : resolve(cwd, specifier);
  const looksLikePath = specifier.startsWith('.') || isAbsolute(specifier) || existsSync(path);
  const target = looksLikePath ? pathToFileURL(path).href : specifier;
  if (looksLikePath && !existsSync(path)) {
    throw new CliError(
      'module-not-found',
      `no file ${path}: give the path of a JavaScript module that exports a Protocol or ProtocolConfig`,
    );
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(target)) as Record<string, unknown>;
  } catch (error) {
    throw new CliError('module-not-found', `cannot load ${specifier}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (exportName !== undefined) {
    const value = module[exportName];
    if (value === undefined) {
      throw new CliError(
        'not-a-protocol',
        `${specifier} has no export named ${JSON.stringify(exportName)} (exports: ${Object.keys(module).join(', ') || 'none'})`,
      );
    }
    if (!isProtocol(value)) {
      throw new CliError(
        'not-a-protocol',
        `export ${JSON.stringify(exportName)} of ${specifier} is not a Protocol or ProtocolConfig (it is ${describeValue(value)})`,
      );
    }
    return { exportName, protocol: value };
  }
  if (isProtocol(module.default)) return { exportName: 'default', protocol: module.default };
  const found = Object.entries(module).filter(([, v]) => isProtocol(v));
  if (found.length === 1) return { exportName: found[0][0], protocol: found[0][1] as AnyProtocol };
  if (found.length === 0) {
    throw new CliError(
      'not-a-protocol',
      `${specifier} exports no Protocol or ProtocolConfig (exports: ${Object.keys(module).join(', ') || 'none'}); export one, e.g. \`export const protocol = new Protocol({...})\``,
    );
  }
  throw new CliError(
    'not-a-protocol',
    `${specifier} exports several protocols (${found.map(([n]) => n).join(', ')}): choose one with --export NAME`,
  );
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object of class ${value.constructor?.name ?? 'Object'}`;
  return `a ${typeof value}`;
}

/** The field plan of a protocol. */
export function planOf(protocol: AnyProtocol): ProtocolPlan {
  return buildPlan({
    descriptor: protocol.describe(),
    maxPayloadSize: protocol.maxPayloadSize,
    maxElements: protocol.decodeLimits.maxElements,
  });
}
