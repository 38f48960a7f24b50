// The cluster view: an SVG of the nodes on a ring with a canvas over it for the messages in flight (see clusterDrawing.ts), plus its legend and partition summary.
import { useEffect, useRef, useState } from 'react';
import { onFrame, selectMessage, selectNode, useSim } from '../store/sim';
import { ClusterDrawing } from './clusterDrawing';
import { RuleChips } from './RuleChips';

/** The live cluster SVG, for export (one view per page), with SVG copies of what the canvas shows until the next frame. */
let current: SVGSVGElement | null = null;
let currentDrawing: ClusterDrawing | null = null;
export function clusterSvg(): SVGSVGElement | null {
  currentDrawing?.materialize();
  return current;
}

/** The messages as last drawn, with their place on screen (the browser tests read them: the canvas has no elements). */
export function drawnMessages(): ReturnType<ClusterDrawing['drawnMessages']> {
  return currentDrawing?.drawnMessages() ?? [];
}

/** For the browser tests' colour checks: also keep SVG copies of what the canvas paints, styled by the same CSS rules. */
export function keepSvgCopies(on: boolean): void {
  if (currentDrawing !== null) currentDrawing.svgCopies = on;
}

export function Legend() {
  // With Pre-Vote an empty ring starts a pre-vote, not an election (thesis §9.6): the term rises only if a majority would vote.
  const preVote = useSim((s) => s.run.raft?.preVote === true);
  return (
    <ul className="legend" aria-label="Legend">
      <li>
        <span className="sw leader" /> leader
      </li>
      <li>
        <span className="sw candidate" /> candidate
      </li>
      <li>
        <span className="sw follower" /> follower
      </li>
      <li>
        <span className="sw down" /> down
      </li>
      <li>
        <svg width="14" height="14" viewBox="-7 -7 14 14" aria-hidden="true">
          <path className="lg m-rv" d="M0,-6L6,0L0,6L-6,0Z" />
        </svg>
        vote request
      </li>
      <li>
        <svg width="14" height="14" viewBox="-7 -7 14 14" aria-hidden="true">
          <circle className="lg m-ae" r="4" />
        </svg>
        heartbeat
      </li>
      <li>
        <svg width="14" height="14" viewBox="-7 -7 14 14" aria-hidden="true">
          <rect className="lg m-ae" x="-5.5" y="-5.5" width="11" height="11" />
        </svg>
        entries
      </li>
      <li>
        <svg width="14" height="14" viewBox="-7 -7 14 14" aria-hidden="true">
          <path className="lg ok" d="M0,-4.5L4.5,0L0,4.5L-4.5,0Z" />
        </svg>
        vote <span className="lg-yes">yes</span> / <span className="lg-no">no</span>
      </li>
      <li>
        <svg width="14" height="14" viewBox="-7 -7 14 14" aria-hidden="true">
          <circle className="lg ok" r="3.5" />
        </svg>
        entries reply <span className="lg-yes">ok</span> / <span className="lg-no">refused</span>
      </li>
      <li>
        <svg width="14" height="14" viewBox="-7 -7 14 14" aria-hidden="true">
          <path className="lg m-other" d="M0,-5.5L5.5,4.4L-5.5,4.4Z" />
        </svg>
        ping, clock sync or client message
      </li>
      <li>
        <svg width="16" height="16" viewBox="-8 -8 16 16" aria-hidden="true">
          <circle className="lg-node" r="4.5" />
          <path className="lg-timer" d="M0,-7.5A7.5,7.5 0 1,1 -7.1,2.3L-5.2,1.7A5.5,5.5 0 1,0 0,-5.5Z" />
        </svg>
        {preVote ? (
          <>
            ring = election timer left (empty: it asks for pre-votes, and starts an election only if a majority would vote; thesis §9.6)
          </>
        ) : (
          <>
            ring = election timer left (empty: it starts an election) <RuleChips rule="§5.2" />
          </>
        )}
      </li>
      <li>
        <svg width="14" height="14" viewBox="-7 -7 14 14" aria-hidden="true">
          <circle className="lg m-ae lg-fade" r="4" />
        </svg>
        faded = lost
      </li>
      <li>
        <svg width="16" height="16" viewBox="-8 -8 16 16" aria-hidden="true">
          <circle className="lg-dup" r="6.5" />
          <circle className="lg m-ae" r="3.5" />
        </svg>
        dashed ring = duplicate
      </li>
    </ul>
  );
}

function PartitionSummary() {
  const groups = useSim((s) => s.groups);
  const cuts = useSim((s) => s.cuts);
  const byGroup = new Map<number, string[]>();
  for (const [id, g] of Object.entries(groups)) byGroup.set(g, [...(byGroup.get(g) ?? []), id]);
  const parts = [...byGroup.values()];
  if (parts.length <= 1 && cuts.length === 0) return null;
  return (
    <p className="partition-summary" role="status">
      {parts.length > 1 && (
        <>
          Partitioned:{' '}
          {parts.map((p, i) => (
            <span key={i} className={`group-chip g${i % 6}`}>
              {p.join(' ')}
              {/* Read out between the groups (the chips part them only to the eye). */}
              {i < parts.length - 1 && <span className="sr-only">; apart from </span>}
            </span>
          ))}
        </>
      )}
      {cuts.length > 0 && <span> Cut one way: {cuts.map(([a, b]) => `${a}→${b}`).join(', ')}</span>}
    </p>
  );
}

/** Zoom buttons: shown when many nodes crowd the ring, or once zoomed in (pinch and ctrl+wheel work too). */
function ZoomControls({ drawing, k }: { drawing: React.RefObject<ClusterDrawing | null>; k: number }) {
  return (
    <div className="zoom-controls" role="group" aria-label="Zoom">
      <span aria-hidden="true">Zoom</span>
      <button type="button" className="btn small" aria-label="Zoom out" disabled={k <= 1.001} onClick={() => drawing.current?.zoomBy(1 / 1.6)}>
        −
      </button>
      <button type="button" className="btn small" aria-label="Zoom in" disabled={k >= 7.99} onClick={() => drawing.current?.zoomBy(1.6)}>
        +
      </button>
      <button type="button" className="btn small" disabled={k <= 1.001} onClick={() => drawing.current?.zoomReset()}>
        Fit
      </button>
      {k > 1.001 && <span>{k.toFixed(1)}× — drag to pan</span>}
    </div>
  );
}

export function ClusterView() {
  const svgRef = useRef<SVGSVGElement>(null);
  const drawingRef = useRef<ClusterDrawing | null>(null);
  const runId = useSim((s) => s.runId);
  const nodeIds = useSim((s) => s.nodeIds);
  const [zoomK, setZoomK] = useState(1);
  useEffect(() => {
    const el = svgRef.current;
    if (el === null) return;
    current = el;
    setZoomK(1);
    const drawing = new ClusterDrawing(el, nodeIds, {
      onZoom: setZoomK,
      onNode: (id) => {
        selectNode(useSim.getState().selection.node === id ? null : id);
        selectMessage(null);
      },
      onMessage: (id) => selectMessage(id),
      onBackground: () => {
        selectNode(null);
        selectMessage(null);
      },
    });
    drawingRef.current = drawing;
    currentDrawing = drawing;
    drawing.draw();
    const off = onFrame(() => drawing.draw());
    return () => {
      off();
      drawingRef.current = null;
      drawing.destroy();
      if (current === el) current = null;
      if (currentDrawing === drawing) currentDrawing = null;
    };
  }, [runId, nodeIds]);
  return (
    <figure className="cluster" id="cluster-view" tabIndex={-1}>
      <svg ref={svgRef} className="cv" role="group" aria-label="Cluster view: nodes on a ring and the messages between them" xmlns="http://www.w3.org/2000/svg" />
      <figcaption>
        <PartitionSummary />
        {(nodeIds.length > 7 || zoomK > 1.001) && <ZoomControls drawing={drawingRef} k={zoomK} />}
      </figcaption>
    </figure>
  );
}
