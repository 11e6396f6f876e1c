import Markdown from 'react-markdown';
import rehypeKatex from 'rehype-katex';
import remarkMath from 'remark-math';
import 'katex/dist/katex.min.css';

// Narrative renders an analysis's Markdown with its math. It is loaded on
// demand (with KaTeX and its fonts), the first time an analysis is shown.
export default function Narrative({ text }: { text: string }) {
  return (
    <Markdown remarkPlugins={[remarkMath]} rehypePlugins={[rehypeKatex]}>
      {text}
    </Markdown>
  );
}
