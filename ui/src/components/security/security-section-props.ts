import type { SecurityPageSettings } from "../../api/security-api";

/** What every settings form on the Security page gets: the stored settings and where to put the saved ones. */
export interface SecuritySectionProps {
  settings: SecurityPageSettings;
  onSaved: (settings: SecurityPageSettings) => void;
}
