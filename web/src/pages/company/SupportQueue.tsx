export default function SupportQueue() { return null; }
