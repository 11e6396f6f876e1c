import { openExample } from '../commands';
import examples from '../examples.json';
import { Modal } from './Modal';

export interface Example {
  id: string;
  title: string;
  area: string;
  code: string;
  stdin?: string;
}

export const EXAMPLES: Example[] = examples;

// ExamplesModal lists short programs, one for each area of the standard
// library the sandbox allows; choosing one opens it in the editor (asking
// first if that would replace unsaved work).
export function ExamplesModal({ onClose }: { onClose(): void }) {
  return (
    <Modal title="Examples" onClose={onClose}>
      <ul className="examples-list" data-testid="examples">
        {EXAMPLES.map((ex) => (
          <li key={ex.id}>
            <button
              className="example-item"
              onClick={() => {
                if (openExample(ex)) onClose();
              }}
            >
              <span className="example-title">{ex.title}</span>
              <span className="muted">{ex.area}</span>
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}
