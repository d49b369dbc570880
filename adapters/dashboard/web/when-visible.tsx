/**
 * Renders its children once their place on the page comes near the viewport (IntersectionObserver, 300 px
 * ahead), keeping a placeholder of the same height until then: what is below the first screen (the
 * flexibility chart) costs nothing on the first render. Browsers without IntersectionObserver render at once.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export function WhenVisible({ heightPx, label, testId, children }: { heightPx: number; label: string; testId?: string; children: ComponentChildren }) {
  const box = useRef<HTMLDivElement>(null);
  const [seen, setSeen] = useState(typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    const el = box.current;
    if (seen || !el) return undefined;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setSeen(true);
    }, { rootMargin: '300px 0px' });
    observer.observe(el);
    return () => observer.disconnect();
  }, [seen]);
  if (seen) return <>{children}</>;
  return <div ref={box} class="chart-pending" role="img" style={{ height: `${heightPx}px` }} aria-label={`${label} (drawn when scrolled into view)`} data-testid={testId} />;
}
