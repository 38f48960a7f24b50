// cluster.yaml parsing: the spec's validation rules, in order, with their messages, and the editor round trip.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  ConfigError,
  MAX_HOST_CHARS,
  MAX_NODES,
  configToYaml,
  generatedConfig,
  parseClusterConfig,
  type ClusterConfig,
} from '../../src/sim/config';
import { createCluster } from '../../src/sim/index';

const EXAMPLE = `nodes:
  - id: n1
    host: 127.0.0.1
    port: 9101
  - id: n2
    host: 127.0.0.1
    port: 9102
  - id: n3
    host: 127.0.0.1
    port: 9103
`;

/** Catches the ConfigError so a test can check both its class and its message. */
function errorOf(text: string): ConfigError {
  try {
    parseClusterConfig(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected a ConfigError for:\n${text}`);
}

function rejects(text: string, messageStart: string): string {
  const { message } = errorOf(text);
  expect(message.startsWith(messageStart), `"${message}" should start with "${messageStart}"`).toBe(true);
  return message;
}

function yamlFor(nodes: Array<Record<string, unknown>>): string {
  return `nodes:\n${nodes
    .map((n) => Object.entries(n).map(([k, v], j) => `${j === 0 ? '  - ' : '    '}${k}: ${v}`).join('\n'))
    .join('\n')}\n`;
}

describe('parseClusterConfig: valid configs', () => {
  it('parses the spec example into three nodes with derived label ports', () => {
    expect(parseClusterConfig(EXAMPLE)).toEqual({
      nodes: [
        { id: 'n1', host: '127.0.0.1', port: 9101, rpcPort: 10101, syncPort: 9301 },
        { id: 'n2', host: '127.0.0.1', port: 9102, rpcPort: 10102, syncPort: 9302 },
        { id: 'n3', host: '127.0.0.1', port: 9103, rpcPort: 10103, syncPort: 9303 },
      ],
    });
  });

  it('public/cluster.yaml is the spec example', () => {
    const text = readFileSync(new URL('../../public/cluster.yaml', import.meta.url), 'utf8');
    expect(text).toBe(EXAMPLE);
    expect(parseClusterConfig(text).nodes.map((n) => n.id)).toEqual(['n1', 'n2', 'n3']);
  });

  it('accepts flow style and ignores unknown keys', () => {
    const config = parseClusterConfig('nodes: [{id: a, host: h, port: 1, extra: x}]\nname: demo\n');
    expect(config.nodes).toEqual([{ id: 'a', host: 'h', port: 1, rpcPort: 1001, syncPort: 201 }]);
  });

  it('accepts the port range ends, and a port whose derived rpcPort exceeds 65535 (labels only)', () => {
    const config = parseClusterConfig(yamlFor([
      { id: 'a', host: 'h', port: 1 },
      { id: 'b', host: 'h', port: 65535 },
      { id: 'c', host: 'h', port: 64600 },
    ]));
    expect(config.nodes.map((n) => n.port)).toEqual([1, 65535, 64600]);
    expect(config.nodes[1].rpcPort).toBe(66535);
  });

  it('allows the same port on different hosts, and exactly MAX_NODES nodes', () => {
    expect(parseClusterConfig(yamlFor([
      { id: 'a', host: '10.0.0.1', port: 9101 },
      { id: 'b', host: '10.0.0.2', port: 9101 },
    ])).nodes).toHaveLength(2);
    expect(parseClusterConfig(configToYaml(generatedConfig(MAX_NODES))).nodes).toHaveLength(MAX_NODES);
  });

  it('returns only id, host, port and the derived labels', () => {
    const [node] = parseClusterConfig('nodes:\n  - {id: a, host: h, port: 5, role: leader}\n').nodes;
    expect(Object.keys(node).sort()).toEqual(['host', 'id', 'port', 'rpcPort', 'syncPort']);
  });
});

describe('parseClusterConfig: YAML syntax errors', () => {
  it('reports an unclosed flow sequence with its line and column', () => {
    const message = rejects('nodes: [\n  - id: n1', 'Invalid YAML: ');
    expect(message).toMatch(/line \d+, column \d+/);
  });

  it('reports a line of bare colons', () => {
    rejects(': : :', 'Invalid YAML: ');
  });

  it('reports tab indentation', () => {
    const message = rejects('nodes:\n\t- id: n1\n\t  host: h\n\t  port: 1\n', 'Invalid YAML: ');
    expect(message).toMatch(/tab/i);
    expect(message).toContain('line 2');
  });

  it('reports duplicate keys and several documents as YAML errors', () => {
    rejects('nodes: []\nnodes: []\n', 'Invalid YAML: ');
    rejects('nodes: []\n---\nnodes: []\n', "cluster.yaml must be a single YAML document: remove the '---' at line 2");
  });

  it('reports an alias to an unknown anchor', () => {
    rejects('nodes: *missing\n', 'Invalid YAML: ');
  });

  it('keeps the message on one line (no source snippet)', () => {
    expect(rejects(': : :', 'Invalid YAML: ')).not.toContain('\n');
  });
});

describe('parseClusterConfig: rule 1, top level must be a mapping', () => {
  const message = 'Top-level config must be a mapping';

  it('rejects a top-level list', () => {
    rejects('- id: n1\n  host: h\n  port: 1\n', message);
  });

  it('rejects top-level scalars', () => {
    rejects('hello', message);
    rejects('42', message);
    rejects('true', message);
  });

  it('rejects a tagged non-map such as !!set', () => {
    rejects('!!set {nodes}', message);
  });

  it('treats an empty file, a comment-only file and YAML null as {} (so rule 2 fires)', () => {
    for (const text of ['', '   \n', '# just a comment\n', 'null', '~']) {
      rejects(text, "Config must include a non-empty 'nodes' list");
    }
  });
});

describe("parseClusterConfig: rule 2, a non-empty 'nodes' list", () => {
  const message = "Config must include a non-empty 'nodes' list";

  it('rejects a missing nodes key', () => {
    rejects('cluster: demo\n', message);
  });

  it('rejects nodes that is not a list', () => {
    rejects('nodes: n1\n', message);
    rejects('nodes:\n  id: n1\n', message);
    rejects('nodes:\n', message);
  });

  it('rejects an empty list', () => {
    rejects('nodes: []\n', message);
  });
});

describe('parseClusterConfig: rule 3, each entry a mapping', () => {
  it('rejects a scalar entry and names its index', () => {
    const message = rejects(
      'nodes:\n  - {id: n1, host: h, port: 1}\n  - n2\n',
      'Each node entry must be a mapping',
    );
    expect(message).toContain('nodes[1]');
  });

  it('rejects list and null entries', () => {
    rejects('nodes:\n  - [n1, h, 1]\n', 'Each node entry must be a mapping');
    rejects('nodes:\n  -\n', 'Each node entry must be a mapping');
  });
});

describe('parseClusterConfig: rule 4, required fields checked as id, host, port', () => {
  it('names each missing field', () => {
    rejects('nodes:\n  - {host: h, port: 1}\n', 'Node missing required field: id');
    rejects('nodes:\n  - {id: n1, port: 1}\n', 'Node missing required field: host');
    rejects('nodes:\n  - {id: n1, host: h}\n', 'Node missing required field: port');
  });

  it('reports id first when several are missing', () => {
    rejects('nodes:\n  - {}\n', 'Node missing required field: id');
    rejects('nodes:\n  - {port: 1}\n', 'Node missing required field: id');
  });

  it('names the entry', () => {
    expect(rejects('nodes:\n  - {id: a, host: h, port: 1}\n  - {id: b, host: h}\n', 'Node missing required field: port'))
      .toContain('nodes[1]');
  });
});

describe('parseClusterConfig: rules 5 and 6, id and host are non-empty strings', () => {
  it('rejects an empty, numeric or null id', () => {
    rejects('nodes:\n  - {id: "", host: h, port: 1}\n', "Node 'id' must be a non-empty string");
    rejects('nodes:\n  - {id: 1, host: h, port: 1}\n', "Node 'id' must be a non-empty string");
    rejects('nodes:\n  - {id: null, host: h, port: 1}\n', "Node 'id' must be a non-empty string");
  });

  it('rejects an id longer than 64 characters (it would not fit the ring, a sentence or a table), as addNode does', () => {
    expect(() => parseClusterConfig(`nodes:\n  - {id: "${'x'.repeat(64)}", host: h, port: 1}\n`)).not.toThrow();
    expect(rejects(`nodes:\n  - {id: "${'x'.repeat(65)}", host: h, port: 1}\n`, "Node 'id' must be at most 64 characters, not 65")).toContain('nodes[0].id');
  });

  it('rejects an empty or non-string host, naming the field', () => {
    expect(rejects('nodes:\n  - {id: n1, host: "", port: 1}\n', "Node 'host' must be a non-empty string"))
      .toContain('nodes[0].host');
    rejects('nodes:\n  - {id: n1, host: [a], port: 1}\n', "Node 'host' must be a non-empty string");
  });

  it('rejects a host longer than a DNS name (253 characters), naming the field; a 253-character name and an IPv6 literal pass', () => {
    const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    expect(long).toHaveLength(MAX_HOST_CHARS);
    expect(parseClusterConfig(`nodes:\n  - {id: n1, host: ${long}, port: 1}\n  - {id: n2, host: "::1", port: 1}\n`).nodes.map((n) => n.host)).toEqual([long, '::1']);
    expect(rejects(`nodes:\n  - {id: n1, host: h, port: 1}\n  - {id: n2, host: ${long}x, port: 1}\n`, "Node 'host' must be at most 253 characters (a DNS name's limit), not 254")).toContain('nodes[1].host');
    // What the editor would get from a pasted paragraph: refused before it reaches a label or a link.
    rejects(`nodes:\n  - {id: n1, host: "${'word '.repeat(2000)}", port: 1}\n`, "Node 'host' must be at most 253 characters");
  });

  it('addNode holds host and port to the same rules, and a refused call changes nothing', () => {
    const c = createCluster({ seed: 1, nodes: 3 });
    c.runFor(500);
    const before = { ids: c.nodeIds, actions: c.actions().length, config: configToYaml(c.config) };
    expect(() => c.addNode({ host: 'h'.repeat(254) })).toThrow('node host must be a string of 1..253 characters (got 254 characters)');
    expect(() => c.addNode({ host: '' })).toThrow(/node host must be a string of 1\.\.253 characters/);
    expect(() => c.addNode({ port: 0 })).toThrow('node port must be an integer in range 1..65535 (got 0)');
    expect(() => c.addNode({ port: 70_000 })).toThrow(/range 1\.\.65535/);
    expect({ ids: c.nodeIds, actions: c.actions().length, config: configToYaml(c.config) }).toEqual(before);
    const id = c.addNode({ host: 'h'.repeat(253), port: 9200 });
    expect(c.config.nodes.find((n) => n.id === id)).toMatchObject({ host: 'h'.repeat(253), port: 9200 });
  });

  it('checks id before host', () => {
    rejects('nodes:\n  - {id: "", host: "", port: 1}\n', "Node 'id' must be a non-empty string");
  });
});

describe('parseClusterConfig: rule 7, port is an integer in 1..65535', () => {
  const message = "Node 'port' must be an integer in range 1..65535";
  const bad: Array<[string, string]> = [
    ['YAML true (the original accepted it as 1)', 'true'],
    ['YAML false', 'false'],
    ['a quoted number', '"9101"'],
    ['zero', '0'],
    ['65536', '65536'],
    ['a fraction', '1.5'],
    ['9101.5', '9101.5'],
    ['a negative number', '-1'],
    ['null', 'null'],
    ['.inf', '.inf'],
    ['.nan', '.nan'],
    ['a list', '[9101]'],
  ];
  for (const [name, port] of bad) {
    it(`rejects ${name}`, () => {
      expect(rejects(`nodes:\n  - {id: n1, host: h, port: ${port}}\n`, message)).toContain('nodes[0].port');
    });
  }

  it('names the offending entry', () => {
    expect(rejects(yamlFor([
      { id: 'a', host: 'h', port: 1 },
      { id: 'b', host: 'h', port: 2 },
      { id: 'c', host: 'h', port: 0 },
    ]), message)).toContain('nodes[2].port');
  });

  it('stops at the first bad entry', () => {
    rejects('nodes:\n  - {id: a, host: h, port: 0}\n  - {id: b}\n', message);
  });
});

describe('parseClusterConfig: rule 8, unique ids', () => {
  it('rejects a repeated id and names both entries', () => {
    const message = rejects(yamlFor([
      { id: 'n1', host: 'h', port: 1 },
      { id: 'n2', host: 'h', port: 2 },
      { id: 'n1', host: 'h', port: 3 },
    ]), 'Duplicate node id: n1');
    expect(message).toContain('nodes[0]');
    expect(message).toContain('nodes[2]');
  });

  it('checks every entry before looking for duplicates', () => {
    rejects(yamlFor([
      { id: 'n1', host: 'h', port: 1 },
      { id: 'n1', host: 'h', port: 2 },
      { id: 'n3', host: 'h', port: 0 },
    ]), "Node 'port' must be an integer in range 1..65535");
  });
});

describe('parseClusterConfig: rule 9, unique addresses and cluster size', () => {
  it('rejects a repeated host:port and names both nodes', () => {
    const message = rejects(yamlFor([
      { id: 'n1', host: '127.0.0.1', port: 9101 },
      { id: 'n2', host: '127.0.0.1', port: 9102 },
      { id: 'n3', host: '127.0.0.1', port: 9101 },
    ]), 'Duplicate node address: 127.0.0.1:9101');
    expect(message).toBe('Duplicate node address: 127.0.0.1:9101 (n1 and n3)');
  });

  it('compares host names case-insensitively', () => {
    rejects(yamlFor([
      { id: 'a', host: 'localhost', port: 1 },
      { id: 'b', host: 'LocalHost', port: 1 },
    ]), 'Duplicate node address: LocalHost:1 (a and b)');
  });

  it('brackets IPv6 hosts in the address', () => {
    rejects('nodes:\n  - {id: a, host: "::1", port: 1}\n  - {id: b, host: "::1", port: 1}\n',
      'Duplicate node address: [::1]:1 (a and b)');
  });

  it('reports a duplicate id before a duplicate address', () => {
    rejects(yamlFor([
      { id: 'a', host: 'h', port: 1 },
      { id: 'a', host: 'h', port: 1 },
    ]), 'Duplicate node id: a');
  });

  it(`rejects more than ${MAX_NODES} nodes`, () => {
    const nodes = Array.from({ length: MAX_NODES + 1 }, (_, i) => ({ id: `n${i + 1}`, host: 'h', port: 9101 + i }));
    const message = rejects(yamlFor(nodes), `Too many nodes: ${MAX_NODES + 1}`);
    expect(message).toBe('Too many nodes: 51 (the simulator supports at most 50)');
  });
});

describe('parseClusterConfig: input size', () => {
  it('rejects text over 100,000 characters before parsing it', () => {
    const text = `${EXAMPLE}# ${'x'.repeat(100_000)}\n`;
    const message = rejects(text, 'Config too large: ');
    expect(message).toBe(`Config too large: ${text.length} characters (limit 100000)`);
  });

  it('accepts text just under the limit', () => {
    const padding = `# ${'x'.repeat(100_000 - EXAMPLE.length - 3)}\n`;
    const text = EXAMPLE + padding;
    expect(text.length).toBe(100_000);
    expect(parseClusterConfig(text).nodes).toHaveLength(3);
  });
});

describe('ConfigError', () => {
  it('is an Error named ConfigError', () => {
    const err = errorOf('nodes: []');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ConfigError');
  });
});

describe('generatedConfig', () => {
  it('makes n1..nN on 127.0.0.1 from port 9101', () => {
    expect(generatedConfig(3)).toEqual(parseClusterConfig(EXAMPLE));
    const five = generatedConfig(5);
    expect(five.nodes.map((n) => `${n.id}@${n.host}:${n.port}`)).toEqual([
      'n1@127.0.0.1:9101', 'n2@127.0.0.1:9102', 'n3@127.0.0.1:9103', 'n4@127.0.0.1:9104', 'n5@127.0.0.1:9105',
    ]);
    expect(five.nodes[4]).toMatchObject({ rpcPort: 10105, syncPort: 9305 });
  });

  it('accepts 1 and MAX_NODES', () => {
    expect(generatedConfig(1).nodes).toHaveLength(1);
    expect(generatedConfig(MAX_NODES).nodes).toHaveLength(MAX_NODES);
  });

  it('rejects sizes outside 1..50 and non-integers', () => {
    for (const n of [0, -1, 51, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => generatedConfig(n)).toThrow(ConfigError);
      expect(() => generatedConfig(n)).toThrow('Cluster size must be an integer in 1..50');
    }
  });
});

describe('configToYaml', () => {
  it('writes the spec example layout, without the derived ports', () => {
    expect(configToYaml(generatedConfig(3))).toBe(EXAMPLE);
  });

  it('round-trips through parseClusterConfig', () => {
    const config = generatedConfig(7);
    expect(parseClusterConfig(configToYaml(config))).toEqual(config);
  });

  it('quotes ids and hosts that YAML would otherwise read as other types', () => {
    const config: ClusterConfig = {
      nodes: ['123', 'true', 'null', '1.5', 'on', 'no', '0x1f', '.5'].map((id, i) => ({
        id,
        host: i === 0 ? '::1' : `host ${id}`,
        port: 100 + i,
        rpcPort: 1100 + i,
        syncPort: 300 + i,
      })),
    };
    expect(parseClusterConfig(configToYaml(config))).toEqual(config);
  });
});
