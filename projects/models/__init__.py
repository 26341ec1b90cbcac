"""Models of the construction subsystem (CJJ/T 196 §8, Appendix A.5)."""

from .choices import (
    BuildingStatus,
    CertificateKind,
    CompanyRole,
    CompensationMode,
    ConstructionMode,
    FundSource,
    GuaranteeMode,
    IncomeLevel,
    InvestmentKind,
    LandAcquisitionMode,
    ProjectType,
    UnitSource,
    UnitState,
)
from .construction import (
    Building,
    HandoverBatch,
    LandReserve,
    Project,
    Unit,
    UnitChange,
    UnitTransfer,
)
from .parties import ParticipatingCompany, ParticipatingPerson, ProjectParticipation
from .photos import ProjectPhoto
from .records import (
    ApprovalCertificate,
    CertificateScan,
    ConstructionContract,
    ProgressLog,
    RelocationContract,
)

__all__ = [
    "ApprovalCertificate",
    "Building",
    "BuildingStatus",
    "CertificateKind",
    "CertificateScan",
    "CompanyRole",
    "CompensationMode",
    "ConstructionContract",
    "ConstructionMode",
    "FundSource",
    "GuaranteeMode",
    "HandoverBatch",
    "IncomeLevel",
    "InvestmentKind",
    "LandAcquisitionMode",
    "LandReserve",
    "ParticipatingCompany",
    "ParticipatingPerson",
    "ProgressLog",
    "Project",
    "ProjectParticipation",
    "ProjectPhoto",
    "ProjectType",
    "RelocationContract",
    "Unit",
    "UnitChange",
    "UnitSource",
    "UnitState",
    "UnitTransfer",
]
