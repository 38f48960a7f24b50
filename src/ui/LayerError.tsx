// Catches a render error inside an overlay (a guide, a lesson, a comparison) so that it shows what went wrong and a way out, instead of unmounting the whole page and the learner's run with it.
import { Component, type ReactNode } from 'react';

interface Props {
  /** What the layer is, for the message ("This lesson"). */
  what: string;
  onClose: () => void;
  children: ReactNode;
}

export class LayerError extends Component<Props, { error: string | null }> {
  override state = { error: null as string | null };

  static getDerivedStateFromError(err: unknown): { error: string } {
    return { error: err instanceof Error ? err.message : String(err) };
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return (
      <div className="guide-error" role="alert" data-testid="layer-error">
        <p>
          <strong>{this.props.what} could not be shown:</strong> {this.state.error}
        </p>
        <p>The simulator and its run are unchanged behind it.</p>
        <button type="button" className="btn small" onClick={this.props.onClose}>
          Back to the simulator
        </button>
      </div>
    );
  }
}
