-- Northwind-style, scripted without brackets and with semicolons and no GO.
CREATE TABLE dbo.Categories (
    CategoryID int IDENTITY(1, 1) NOT NULL,
    CategoryName nvarchar(15) NOT NULL,
    Description ntext NULL,
    Picture image NULL,
    CONSTRAINT PK_Categories PRIMARY KEY CLUSTERED (CategoryID)
);
CREATE INDEX CategoryName ON dbo.Categories (CategoryName);
CREATE TABLE dbo.Products (
    ProductID int IDENTITY(1, 1) NOT NULL,
    ProductName nvarchar(40) NOT NULL,
    CategoryID int NULL,
    QuantityPerUnit nvarchar(20) NULL,
    UnitPrice money NULL CONSTRAINT DF_Products_UnitPrice DEFAULT (0),
    UnitsInStock smallint NULL DEFAULT (0),
    ReorderLevel smallint NULL CONSTRAINT DF_Products_ReorderLevel DEFAULT (0),
    Discontinued bit NOT NULL CONSTRAINT DF_Products_Discontinued DEFAULT (0),
    Weight real NULL,
    Density float NULL,
    CONSTRAINT PK_Products PRIMARY KEY CLUSTERED (ProductID),
    CONSTRAINT FK_Products_Categories FOREIGN KEY (CategoryID) REFERENCES dbo.Categories (CategoryID) ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT CK_Products_UnitPrice CHECK (UnitPrice >= 0),
    CONSTRAINT CK_Products_Name CHECK (ProductName LIKE '[A-Z]%')
);
CREATE INDEX ProductName ON dbo.Products (ProductName);
