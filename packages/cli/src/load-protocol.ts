/** Loads the ProtocolConfig a command works on from a JavaScript module. */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ProtocolConfig } from '@bp/codec';
import { CliError } from './cli-error.js';
import { buildPlan, type ProtocolPlan } from './field-plan.js';

/**
 * True for a ProtocolConfig, from this copy of @bp/codec or another one (a user's module may
 * resolve its own): it is recognised by what it does, not by its class.
 */
export function isProtocolConfig(value: unknown): value is ProtocolConfig {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<ProtocolConfig>;
  return (
    typeof v.describe === 'function' &&
    typeof v.headerFormat === 'string' &&
    typeof v.maxPayloadSize === 'number' &&
    typeof v.decodeMessage === 'function'
  );
}

/** A loaded protocol: the module's export name and the config. */
export interface LoadedProtocol {
  readonly exportName: string;
  readonly protocol: ProtocolConfig<any, any>;
}

/**
 * Imports `specifier` (a file path, relative to `cwd`, or a package name) and picks its
 * ProtocolConfig: the export named `exportName`, else the default export, else the only
 * ProtocolConfig export. Throws {@link CliError} `module-not-found` or `not-a-protocol`.
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
      `no file ${path}: give the path of a JavaScript module that exports a ProtocolConfig`,
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
    if (!isProtocolConfig(value)) {
      throw new CliError(
        'not-a-protocol',
        `export ${JSON.stringify(exportName)} of ${specifier} is not a ProtocolConfig (it is ${describeValue(value)})`,
      );
    }
    return { exportName, protocol: value };
  }
  if (isProtocolConfig(module.default)) return { exportName: 'default', protocol: module.default };
  const found = Object.entries(module).filter(([, v]) => isProtocolConfig(v));
  if (found.length === 1) return { exportName: found[0][0], protocol: found[0][1] as ProtocolConfig };
  if (found.length === 0) {
    throw new CliError(
      'not-a-protocol',
      `${specifier} exports no ProtocolConfig (exports: ${Object.keys(module).join(', ') || 'none'}); export one, e.g. \`export const protocol = new ProtocolConfig({...})\``,
    );
  }
  throw new CliError(
    'not-a-protocol',
    `${specifier} exports several ProtocolConfigs (${found.map(([n]) => n).join(', ')}): choose one with --export NAME`,
  );
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object of class ${value.constructor?.name ?? 'Object'}`;
  return `a ${typeof value}`;
}

/** The field plan of a protocol. */
export function planOf(protocol: ProtocolConfig<any, any>): ProtocolPlan {
  return buildPlan({
    descriptor: protocol.describe(),
    maxPayloadSize: protocol.maxPayloadSize,
    maxElements: protocol.decodeLimits.maxElements,
  });
}
