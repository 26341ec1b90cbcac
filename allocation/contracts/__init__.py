"""合同签约 (A.7.3–A.7.4): rental, sale and rent-subsidy contracts, their numbers, PDFs and archive."""
