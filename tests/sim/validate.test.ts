// The engine's option validator on demand (src/sim/validate.ts): the page's own first run needs no zod, and
// the cheap check it uses instead never lets through what the zod schema refuses.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, createCluster, SimCluster } from '../../src/sim/index';
import { validateNetworkChange, validateOptions } from '../../src/sim/options';
import { loadValidator, plainOptions, setValidator, validatorLoaded } from '../../src/sim/validate';
import { clusterOptions, DEFAULT_RUN } from '../../src/store/runOptions';

const SEED = Number(process.env.FC_SEED ?? 20250);
const zodValidator = { validateOptions, validateNetworkChange };

afterEach(() => setValidator(zodValidator));

const accepts = (o: unknown): boolean => {
  try {
    validateOptions(o);
    return true;
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return false;
  }
};

describe('options without zod (the page before its validator loads)', () => {
  it('every option set the cheap check passes, the zod schema accepts too', () => {
    const value = fc.oneof(
      fc.integer({ min: -5, max: 60 }),
      fc.constantFrom(0, 1, 50, 51, 1.5, -0, Number.NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2_000_000, 2_000_001),
      fc.constantFrom('throw', 'record', 'yes', '', true, false, null, undefined, [], {}, '5'),
      fc.double(),
    );
    const key = fc.constantFrom('seed', 'nodes', 'checkers', 'journalLimit', 'recordActions', 'heartbeatMs', 'network', 'constructor', '__proto__');
    let plain = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 4 }), (o) => {
        if (plainOptions(o)) {
          plain++;
          expect(accepts(o), JSON.stringify(o)).toBe(true);
        } else if (!accepts(o)) refused++;
      }),
      { numRuns: 3000, seed: SEED },
    );
    // The generator really produced both kinds.
    expect(plain).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
    for (const o of [undefined, null, 5, 'x', [], [1]]) if (plainOptions(o)) expect(accepts(o), String(o)).toBe(true);
  });

  it("the page's default run is plain options: its first cluster needs no validator", () => {
    expect(plainOptions(clusterOptions(DEFAULT_RUN))).toBe(true);
    setValidator(undefined);
    expect(validatorLoaded()).toBe(false);
    const c = new SimCluster(clusterOptions(DEFAULT_RUN));
    c.runFor(1000);
    expect(c.leader()).toBeDefined();
  });

  it('without the validator, other options and setNetwork are refused until it is loaded, then checked by zod', async () => {
    setValidator(undefined);
    expect(() => new SimCluster({ seed: 2, heartbeatMs: 40 })).toThrow(/not loaded/);
    expect(() => new SimCluster({ seed: 2, nodes: 0 })).toThrow(/not loaded/);
    const c = new SimCluster({ seed: 2, nodes: 3 });
    expect(() => c.setNetwork({ dropRate: 0.1 })).toThrow(/not loaded/);
    expect(c.actions()).toEqual([]);
    await loadValidator();
    expect(validatorLoaded()).toBe(true);
    c.setNetwork({ dropRate: 0.1 });
    expect(() => c.setNetwork({ dropRate: 2 })).toThrow(RangeError);
    expect(new SimCluster({ seed: 2, heartbeatMs: 40 }).nodeIds).toHaveLength(5);
    expect(() => createCluster({ seed: 2, nodes: 0 })).toThrow(ConfigError);
    expect(() => createCluster({ seed: 2, nodes: 0 })).toThrow('nodes must be a whole number from 1 to 50 (got 0)');
  });

  it('the headless API always validates with zod at once', () => {
    expect(validatorLoaded()).toBe(true);
    expect(() => createCluster({ network: { dropRate: 1.5 } })).toThrow('network.dropRate must be a number from 0 to 1 (got 1.5)');
  });
});
