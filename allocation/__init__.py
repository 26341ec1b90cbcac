"""配给管理 and 资源配置 (CJJ/T 196 §9–§11): waitlist, lottery, flat selection, contracts, ledgers."""
