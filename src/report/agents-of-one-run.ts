import { UsageError } from '../errors.js';
import type { AgentOnDisk } from './agent-part.js';

/**
 * The agents' folders, in index order, once they are known to be every agent of one run: the
 * same run id, agent count, agreed start, scenario (name, seed and settings) and topology, no
 * index twice and none missing. Anything else exits 64 naming the folder and what differs — a
 * merge of two runs, or of a run without one of its agents, would be a report of no real load.
 */
export function requireOneRun(agents: readonly AgentOnDisk[]): AgentOnDisk[] {
  const first = agents[0];
  if (first === undefined) throw new UsageError('report merge: name the agents\' folders, e.g. shopctl report merge agent-0 agent-1 agent-2 --out merged');
  for (const agent of agents.slice(1)) requireSameRun(first, agent);
  const byIndex = new Map<number, AgentOnDisk>();
  for (const agent of agents) {
    const { index, count } = agent.part.agent;
    if (index >= count) throw new UsageError(`${agent.dir}: agent ${index} of ${count} cannot be (indices count from 0)`);
    const twice = byIndex.get(index);
    if (twice !== undefined) throw new UsageError(`agent ${index} is given twice: ${twice.dir} and ${agent.dir}`);
    byIndex.set(index, agent);
  }
  const count = first.part.agent.count;
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    throw new UsageError(`run ${first.part.runId} had ${count} agents; missing: ${missing.map((i) => `agent ${i}`).join(', ')} (given: ${[...byIndex.keys()].sort((a, b) => a - b).join(', ')})`, [
      'name every agent\'s folder: a merge without one of them is not the load that was run',
    ]);
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, agent]) => agent);
}

function requireSameRun(first: AgentOnDisk, other: AgentOnDisk): void {
  const a = first.part;
  const b = other.part;
  const differs = (what: string, left: unknown, right: unknown) => {
    if (left === right) return;
    throw new UsageError(`${other.dir}: ${what} ${String(right)}, but ${first.dir} has ${String(left)}: they are not agents of one run`, ['merge only the folders of one run\'s agents']);
  };
  differs('run id', a.runId, b.runId);
  differs('agent count', a.agent.count, b.agent.count);
  differs('scenario', a.scenario.name, b.scenario.name);
  differs('scenario seed', a.scenario.seed, b.scenario.seed);
  differs('scenario settings (digest)', a.scenarioDigest, b.scenarioDigest);
  differs('topology', a.topology.name, b.topology.name);
  differs('agreed start', a.startAt, b.startAt);
}
