export const PRODUCT_NAME = "OmniRoute";

export function ProductName() {
  return (
    <span class="product-name">
      <svg viewBox="0 0 32 32" width="24" height="24" aria-hidden="true">
        <rect width="32" height="32" rx="7" fill="var(--color-accent)" />
        <circle cx="16" cy="16" r="8" fill="none" stroke="#fff" stroke-width="3" />
        <path d="M16 4v6M16 22v6M4 16h6M22 16h6" stroke="#fff" stroke-width="3" stroke-linecap="round" />
      </svg>
      {PRODUCT_NAME}
    </span>
  );
}
